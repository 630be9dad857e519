/**
 * Builds the test schema registry (scripts/schema-registry/registry.ts) ahead of the test that needs it:
 * `npm test` runs this in the background at its start, so a first run's Maven build (minutes on a machine
 * with an empty ~/.m2) overlaps the typecheck, lint and other tests instead of adding to them.
 */
import { ensureSchemaRegistryInstalled } from './registry';

ensureSchemaRegistryInstalled().then(
  (jar) => console.log(`schema registry ready: ${jar}`),
  (error: unknown) => {
    // The test that needs the registry builds it again and reports the failure there.
    console.error(`schema registry prefetch failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
