// What `telnyx-lua --version` says about the build: the commit it was built from.
#ifndef TELNYX_BUILD_INFO_H
#define TELNYX_BUILD_INFO_H

/// The git commit of the build (12 hex digits, `-dirty` when the tree had changes), or
/// "unknown" when it was built without scripts/build-info (a plain `swift build`).
const char *tl_build_commit(void);

#endif
