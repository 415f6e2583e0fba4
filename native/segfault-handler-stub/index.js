'use strict';
// naudiodon calls registerHandler() at load time to print native stack traces on crashes.
// Redial does not want a process-wide signal handler installed by a dependency, so this is a no-op.
module.exports = {
  registerHandler() {},
  causeSegfault() { throw new Error('segfault-handler stub: causeSegfault is not available'); },
  causeAbort() { throw new Error('segfault-handler stub: causeAbort is not available'); },
  causeIllegalInstruction() { throw new Error('segfault-handler stub: not available'); },
};
