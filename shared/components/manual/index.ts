import { defineComponentType } from '../definition.ts';
import { iam } from './iam.ts';
import { oneWay } from './one-way.ts';
import { params } from './params.ts';
import { reverse } from './reverse.ts';

export const manual = defineComponentType({
  type: 'manual',
  params,
  oneWay,
  iam,
  // None: a person does the step (request-confirmation asks for it, through the state machine).
  services: [],
  reverse,
  reprotects: false,
});
