#ifndef C_MALLOC_TUNING_H
#define C_MALLOC_TUNING_H

/// The malloc arena cap applied when the process started (see CMallocTuning.c): 0 when none was
/// (not glibc, or `MALLOC_ARENA_MAX` set in the environment, which glibc applies itself).
int miniweb_malloc_arena_limit(void);

#endif
