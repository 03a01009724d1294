/**
 * The import direction between layers (docs/architecture.md). A rule is "from -> what it must not import".
 * core <- time <- state <- window/operators <- plan <- runtime/api <- cli; connectors and search sit beside
 * them and never reach into the runtime, the API or each other.
 *
 * Type-only imports count (`tsPreCompilationDeps: true`): a wrong-way `import type` is a wrong-way
 * dependency too. Only the cycle rule lets type-only imports point back (the fluent API's streams
 * name each other's types). Tests are in the graph, so "code never imports tests" holds, but they
 * are exempt from the layer rules (a test may wire anything it tests).
 */
const TESTS = '(\\.test\\.ts$|\\.fixture\\.ts$|^test/)';
const layer = (name) => `^src/${name}/`;
const forbid = (name, from, to, comment) => ({
  name,
  comment,
  severity: 'error',
  from: { path: from, pathNot: TESTS },
  to: { path: to },
});

/** Connector folders share these; every other folder under src/connectors is a connector. */
const SHARED_CONNECTOR_CODE = '(text|node-stream)/|[^/]+\\.ts$';

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
      'checkpoint-knows-state',
      layer('checkpoint'),
      '^src/(?!(core|time|state|checkpoint)/)',
      'checkpoint storage knows core, time and state',
    ),
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
      'plan-is-data',
      layer('plan'),
      '^src/(?!(core|time|state|plan)/)',
      'the plan is what api and sql build and the runtime runs: it knows only the contracts',
    ),
    forbid(
      'runtime-knows-contracts',
      layer('runtime'),
      '^src/(api|cli|connectors|search|server|window|operators|testing|sql)/',
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
      '^src/(api|cli|connectors|runtime|server|window|operators|testing|plan)/',
      'search engines know core and time',
    ),
    forbid(
      'search-contract-not-adapters',
      '^src/search/[^/]+\\.ts$',
      '^src/search/(embedded|elasticsearch)/',
      'the SearchEngine contract imports no adapter; the engine registry (search/engines/) loads them lazily',
    ),
    forbid(
      'search-adapters-not-the-registry',
      '^src/search/(embedded|elasticsearch)/',
      '^src/search/engines/',
      'an adapter knows the contract, never the registry that loads it',
    ),
    {
      name: 'search-adapters-not-each-other',
      comment: 'the embedded and cluster adapters stay apart (same-folder imports are fine)',
      severity: 'error',
      from: { path: '^src/search/(embedded|elasticsearch)/', pathNot: TESTS },
      to: { path: '^src/search/(embedded|elasticsearch)/', pathNot: '^src/search/$1/' },
    },
    forbid(
      'connectors-never-runtime',
      layer('connectors'),
      '^src/(api|cli|runtime|server|testing|plan)/',
      'connectors know core, state and search, never the runtime or the API',
    ),
    {
      name: 'connectors-not-each-other',
      comment:
        'a connector may use shared connector code (text, node-stream, root files: config, registry) but not another connector',
      severity: 'error',
      from: { path: `^src/connectors/(?!${SHARED_CONNECTOR_CODE})([^/]+)/`, pathNot: TESTS },
      to: { path: `^src/connectors/(?!${SHARED_CONNECTOR_CODE})([^/]+)/`, pathNot: '^src/connectors/$1/' },
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
    {
      name: 'no-test-imports-in-code',
      comment: 'production code never imports tests or test fixtures',
      severity: 'error',
      from: { path: '^src/', pathNot: TESTS },
      to: { path: TESTS },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
