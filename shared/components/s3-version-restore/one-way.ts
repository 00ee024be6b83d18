import type { OneWayRun, OneWayStep } from '../definition.ts';
import type { Params } from './params.ts';

// The task input is not parsed again: a default of the schema may be missing from it.
const pointInTimeOf = (run: OneWayRun, pointInTime: string | undefined) =>
  !pointInTime || pointInTime === 'before-incident' ? run.incidentStartedAt : pointInTime;

const location = (run: OneWayRun, p: Params) => `s3://${p.bucket}/${p.prefix ?? ''} (${run.regions[p.region ?? 'primary']})`;

/** The restore overwrites the current objects: what changed since the point in time stops being current. */
export const oneWay: OneWayStep<Params> | null = {
  describe(run, { params: p }) {
    return (
      `puts every object under ${location(run, p)} back to its newest version at or before ` +
      `${pointInTimeOf(run, p.pointInTime)}; later versions stop being current (they stay in the version history)`
    );
  },
  dataAtRisk(run, { params: p }) {
    return {
      lagMetric: null,
      note:
        `no replication lag: the current objects under ${location(run, p)} are overwritten by their versions as of ` +
        `${pointInTimeOf(run, p.pointInTime)}; changes made since then stop being current`,
      database: false,
    };
  },
};
