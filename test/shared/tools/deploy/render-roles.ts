/**
 * Roles as reviewable text, one statement a line: `actions -> resources [if condition]`. ARNs built
 * with Fn::Join read as `arn:${AWS::Partition}:…`, Ref and GetAtt as `!Ref X` / `!GetAtt X.Y`, anything
 * else as JSON, so a changed action, resource, order or condition changes the text.
 */
const renderValue = (value: unknown): string => {
  if (typeof value === 'string') return value;
  const v = value as Record<string, unknown>;
  if (typeof v.Ref === 'string' && Object.keys(v).length === 1) return `!Ref ${v.Ref}`;
  const getAtt = v['Fn::GetAtt'];
  if (Array.isArray(getAtt) && Object.keys(v).length === 1) return `!GetAtt ${getAtt.join('.')}`;
  const join = v['Fn::Join'] as [string, unknown[]] | undefined;
  if (Array.isArray(join) && join[0] === '' && join[1].every((p) => typeof p === 'string' || (typeof p === 'object' && p !== null && 'Ref' in p))) {
    return join[1].map((p) => (typeof p === 'string' ? p : `\${${(p as { Ref: string }).Ref}}`)).join('');
  }
  return JSON.stringify(value);
};

interface Statement {
  Effect: string;
  Action: string[];
  Resource: unknown;
  Condition?: unknown;
}

export function renderStatement(st: Statement): string {
  const resources = (Array.isArray(st.Resource) ? st.Resource : [st.Resource]).map(renderValue).join(' | ');
  const effect = st.Effect === 'Allow' ? '' : `${st.Effect} `;
  return `${effect}${st.Action.join(' ')} -> ${resources}${st.Condition ? ` if ${JSON.stringify(st.Condition)}` : ''}`;
}

interface Role {
  Properties: { Policies: { PolicyName: string; PolicyDocument: { Statement: Statement[] } }[] };
}

export function renderRoles(roles: Record<string, Role>): string {
  return Object.entries(roles)
    .map(([name, role]) =>
      role.Properties.Policies.map((p) => [`## ${name} (${p.PolicyName})`, ...p.PolicyDocument.Statement.map(renderStatement)].join('\n')).join('\n'),
    )
    .join('\n\n')
    .concat('\n');
}
