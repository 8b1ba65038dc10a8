// Loaded by path, not imported: the worker require()s it and webpack bundles it into the workflow code, so it
// is CommonJS in plain JavaScript syntax (the bundler has no loader for .cts).
// eslint-disable-next-line @typescript-eslint/no-require-imports -- CommonJS, as said above
const { DefaultFailureConverter } = require('@temporalio/common');

// Failure messages and stack traces go into an encoded payload, so the codec encrypts them too.
module.exports = { failureConverter: new DefaultFailureConverter({ encodeCommonAttributes: true }) };
