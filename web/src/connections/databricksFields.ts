// The settings of a Databricks connection that the form shows as fields (see
// docs/databricks.md and docs/authentication.md); others stay in "Other settings".

export interface Field {
  path: string;
  label: string;
  kind: 'text' | 'number' | 'list';
  choices?: string[];
  hint?: string;
  // Shown only when another setting has one of these values.
  when?: { path: string; values: string[] };
}

const OAUTH = { path: 'auth.type', values: ['oauth_user', 'oauth_m2m'] };

export const DATABRICKS_FIELDS: { section: string; fields: Field[] }[] = [
  {
    section: 'Workspace',
    fields: [
      { path: 'host', label: 'Host', kind: 'text', hint: 'the workspace host, e.g. adb-1234.5.azuredatabricks.net' },
      { path: 'port', label: 'Port', kind: 'number', hint: '443 when empty' },
      { path: 'http_path', label: 'HTTP path', kind: 'text', hint: '/sql/1.0/warehouses/<id>' },
      { path: 'catalog', label: 'Catalog', kind: 'text' },
      { path: 'schema', label: 'Schema', kind: 'text' },
    ],
  },
  {
    section: 'Authentication',
    fields: [
      {
        path: 'auth.type',
        label: 'Auth type',
        kind: 'text',
        choices: ['pat', 'oauth_user', 'oauth_m2m', 'profile', 'environment'],
        hint: 'pat: personal access token; oauth_user: OAuth per user; oauth_m2m: a service principal',
      },
      {
        path: 'auth.credentials',
        label: 'Credentials',
        kind: 'text',
        choices: ['global', 'per_user'],
        hint: 'global: one for everyone, set here; per_user: each user brings their own',
      },
      { path: 'auth.client_id', label: 'OAuth client id', kind: 'text', when: OAUTH },
      { path: 'auth.authorization_endpoint', label: 'Authorization endpoint', kind: 'text', when: OAUTH, hint: 'discovered from the workspace when empty' },
      { path: 'auth.token_endpoint', label: 'Token endpoint', kind: 'text', when: OAUTH, hint: 'discovered from the workspace when empty' },
      { path: 'auth.scope', label: 'Scope', kind: 'text', when: OAUTH },
      { path: 'auth.profile', label: 'Profile', kind: 'text', when: { path: 'auth.type', values: ['profile'] } },
    ],
  },
  {
    section: 'Fast write',
    fields: [
      { path: 'fast_write.connection', label: 'Staging connection', kind: 'text', hint: 'an s3 or azure_blob connection' },
      { path: 'fast_write.volume', label: 'or a volume', kind: 'text', hint: '/Volumes/<catalog>/<schema>/<volume>' },
      { path: 'fast_write.path', label: 'Staging path', kind: 'text', hint: 'mortar-staging when empty' },
    ],
  },
  {
    section: 'Driver and access',
    fields: [
      { path: 'driver.mode', label: 'Driver', kind: 'text', choices: ['builtin', 'user_provided'] },
      {
        path: 'transport',
        label: 'Transport',
        kind: 'text',
        choices: ['thrift', 'rest'],
        hint: 'rest: the Statement Execution API, for workspaces that allow only HTTPS REST (SQL warehouses only)',
        when: { path: 'driver.mode', values: ['', 'builtin'] },
      },
      { path: 'driver.path', label: 'Driver path', kind: 'text', when: { path: 'driver.mode', values: ['user_provided'] } },
      {
        path: 'details_readable_by.mode',
        label: 'Details readable by',
        kind: 'text',
        choices: ['nobody', 'analysts', 'groups'],
        hint: 'who may receive usable credentials for code (Python recipes, Databricks Connect)',
      },
      {
        path: 'details_readable_by.groups',
        label: 'Groups',
        kind: 'list',
        when: { path: 'details_readable_by.mode', values: ['groups'] },
        hint: 'comma-separated',
      },
      { path: 'ca_file', label: 'CA file', kind: 'text' },
      { path: 'query_timeout_seconds', label: 'Query time-out (s)', kind: 'number' },
      { path: 'cloudfetch_downloads', label: 'CloudFetch downloads at once', kind: 'number' },
    ],
  },
];

// The secrets a Databricks connection with these settings needs from the admin.
export function databricksSecrets(authType: string, credentials: string): string[] {
  if (authType === 'oauth_user' || authType === 'oauth_m2m') return ['client_secret'];
  if ((authType === '' || authType === 'pat') && credentials !== 'per_user') return ['token'];
  return [];
}
