/*
 * backend_int.h -- what backend.c needs from each backend: the function
 * that opens it.
 */
#ifndef LABRAT_BACKEND_INT_H
#define LABRAT_BACKEND_INT_H

#include "backend.h"

/* Append the shell text that runs job as a remote backend's script does:
 * its environment exported (strictly quoted), the memory limit as
 * ulimit -v (0: none), then exec of its argv -- no newline after. */
void backend_job_shell(const struct backend_job *job, uint64_t mem_limit,
    struct buf *b);

/* backend_local.c: the local pool of engines. */
struct backend *backend_local_open(const struct nb_set *s, struct loop *loop,
    char **err);

/* What is left of local jobs (or workers) whose runner died: kill it
 * (backend_ops.reclaim). */
int backend_local_reclaim(struct backend *b,
    const struct backend_recorded *jobs, size_t n, bool adopt,
    enum backend_fate *fates, int *engines, char **why, char **err);

/* backend_worker.c: persistent workers on this machine (a local set
 * whose experiment is a worker). */
struct backend *backend_worker_open(const struct nb_set *s,
    struct loop *loop, char **err);

/* backend_ssh.c: engines on other machines over SSH. */
struct backend *backend_ssh_open(const struct nb_set *s, struct loop *loop,
    char **err);
int backend_ssh_check(const struct nb_set *s, char **warn, char **err);

/* backend_slurm.c: points run as SLURM job arrays. */
struct backend *backend_slurm_open(const struct nb_set *s, struct loop *loop,
    char **err);
int backend_slurm_check(const struct nb_set *s, char **warn, char **err);

#endif
