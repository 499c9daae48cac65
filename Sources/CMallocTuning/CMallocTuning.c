// Caps glibc's malloc arenas at two before main runs, unless MALLOC_ARENA_MAX is set.
//
// glibc gives every thread that allocates under contention an arena of its own, up to eight per
// core. Memory freed on another thread than the one that allocated it (the rule with SwiftNIO's
// event loops and Swift's task executors) then fragments the arenas, and resident memory creeps up
// under steady load. The cap must be set before the first threads allocate, hence a constructor;
// mallopt is declared in <malloc.h>, which Swift's Glibc module does not export.
#include "CMallocTuning.h"

#include <stdlib.h>  // defines __GLIBC__ on glibc systems

#if defined(__GLIBC__)
#include <malloc.h>

static int applied_limit = 0;

__attribute__((constructor)) static void miniweb_limit_malloc_arenas(void) {
    if (getenv("MALLOC_ARENA_MAX") == NULL && mallopt(M_ARENA_MAX, 2) == 1) {
        applied_limit = 2;
    }
}

int miniweb_malloc_arena_limit(void) {
    return applied_limit;
}
#else
int miniweb_malloc_arena_limit(void) {
    return 0;
}
#endif
