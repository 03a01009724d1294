/**
 * The import direction between layers (docs/architecture.md). A rule is "from -> what it must not import".
 * core <- time <- state <- window/operators <- runtime <- api <- cli; connectors and search sit beside
 * them and never reach into the runtime, the API or each other.
 */
const layer = (name) => `^src/${name}/`;
const forbid = (name, from, to, comment) => ({
  name,
  comment,
  severity: 'error',
  from: { path: from },
  to: { path: to },
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle is a design bug. Type-only imports are erased at runtime and may point back.',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    forbid(
      'core-imports-nothing',
      layer('core'),
      '^src/(?!core/)',
      'core is the vocabulary; it depends on nothing',
    ),
    forbid('time-above-core-only', layer('time'), '^src/(?!(core|time)/)', 'time knows only core'),
    forbid('state-below-windows', layer('state'), '^src/(?!(core|time|state)/)', 'state knows core and time'),
    forbid(
      'window-below-api',
      layer('window'),
      '^src/(?!(core|time|state|window)/)',
      'windows know core, time, state',
    ),
    forbid(
      'operators-below-api',
      layer('operators'),
      '^src/(?!(core|time|state|operators)/)',
      'operators know core, time, state',
    ),
    forbid(
      'checkpoint-below-runtime',
      layer('checkpoint'),
      '^src/(?!(core|time|state|checkpoint)/)',
      'checkpoint storage knows core, time and state (the coordinator that drives it lives above)',
    ),
    forbid(
      'formats-are-leaf',
      layer('formats'),
      '^src/(?!(core|formats)/)',
      'formats (codecs) know only core',
    ),
    forbid(
      'runtime-knows-contracts',
      layer('runtime'),
      '^src/(api|cli|connectors|search|server|window|operators|testing)/',
      'runtime runs plans through the contracts, never concrete connectors or the API',
    ),
    forbid(
      'api-builds-plans',
      layer('api'),
      '^src/(cli|connectors|server|testing)/',
      'the API builds plans; it does not know connectors or the CLI',
    ),
    forbid(
      'search-below-connectors',
      layer('search'),
      '^src/(api|cli|connectors|runtime|server|window|operators|testing)/',
      'search engines know core and time',
    ),
    forbid(
      'connectors-never-runtime',
      layer('connectors'),
      '^src/(api|cli|runtime|server|testing)/',
      'connectors know core, state and search, never the runtime or the API',
    ),
    {
      name: 'connectors-not-each-other',
      comment:
        'a connector may use shared connector infrastructure (text, node-stream, config, registry) but not another connector',
      severity: 'error',
      from: {
        path: '^src/connectors/(collect|datagen|file|print|socket|stdin|search|kafka|elasticsearch|http)/',
      },
      to: {
        path: '^src/connectors/(collect|datagen|file|print|socket|stdin|search|kafka|elasticsearch|http)/',
        pathNot: '^src/connectors/$1/',
      },
    },
    forbid(
      'server-not-cli',
      layer('server'),
      '^src/cli/',
      'the server is wired by the CLI, not the other way round',
    ),
    forbid(
      'nothing-imports-cli',
      '^src/(?!cli/)',
      '^src/cli/',
      'the CLI is the top: it wires everything, nothing imports it',
    ),
    forbid(
      'no-test-imports-in-code',
      '^src/(?!testing/).*(?<!\\.test)\\.ts$',
      '\\.test\\.ts$',
      'production code never imports tests',
    ),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: false,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '\\.test\\.ts$' },
  },
};
