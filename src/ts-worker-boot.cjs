// The entry of a worker thread run from the TypeScript sources: loads the .ts file named on its argv.
// A .ts file cannot be a worker's entry, and Node 20 installs a --import loader (tsx) in a worker
// before a file entry runs, not before eval'd code: so this file, and a require of the target.
require(process.argv[2]);
