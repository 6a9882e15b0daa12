// Lint rules, including the direction of imports between layers (docs: ../shared/docs/architecture.md).
import tseslint from 'typescript-eslint';

const layers = [
  'topology',
  'operators',
  'state',
  'rules',
  'runtime',
  'io',
  'sinks',
  'api',
  'observability',
  'embedded',
  'cli',
  'errors',
];

/** Which sibling folders each layer may import; everything else is refused by the linter. */
const allowedImports = {
  topology: ['operators', 'state', 'errors'],
  operators: ['state', 'errors'],
  state: ['errors'],
  rules: ['state', 'errors'],
  runtime: ['topology', 'operators', 'state', 'rules', 'io', 'observability', 'errors'],
  io: ['errors'],
  sinks: ['io', 'observability', 'errors'],
  api: ['runtime', 'rules', 'io', 'observability', 'errors'],
  observability: ['errors'],
  embedded: [],
  errors: [],
  cli: layers,
};

const layerRules = Object.entries(allowedImports).map(([layer, allowed]) => {
  const forbidden = layers.filter((other) => other !== layer && !allowed.includes(other));
  const others = layers.filter((other) => other !== layer);
  return {
    files: [`src/${layer}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...(forbidden.length > 0
              ? [
                  {
                    regex: `^(\\.\\./)+(${forbidden.join('|')})(/|$)`,
                    message: `src/${layer} may not import this layer (see architecture.md).`,
                  },
                ]
              : []),
            {
              regex: `^(\\.\\./)+(${others.join('|')})/(?!index\\.js$)`,
              message: 'Import another folder only through its index.js.',
            },
          ],
        },
      ],
    },
  };
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench/results/**', 'bench/scratch/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Only src/cli/config reads the environment.',
        },
      ],
    },
  },
  ...layerRules,
  {
    files: ['src/cli/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*', '.ci/**/*'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
