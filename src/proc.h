/*
 * proc.h -- processes on this machine, identified beyond doubt: a pid is
 * reused by the kernel, so a process is named by its pid and its start
 * time (clock ticks since boot), and a job's processes by the session the
 * job leads and the earliest start time any of them can have, on this
 * boot.  Used to signal a runner only if it is still the one recorded, and
 * to find and kill what is left of a job whose runner died.
 */
#ifndef LABRAT_PROC_H
#define LABRAT_PROC_H

#include <sys/types.h>

#include <stdbool.h>
#include <stdint.h>

/* The kernel's id of this boot (/proc/sys/kernel/random/boot_id), or ""
 * where it cannot be read. */
const char *proc_boot_id(void);

/* Clock ticks since boot now: a lower bound of the start time of any
 * process started from now on. */
uint64_t proc_ticks_now(void);

/* The start time of process pid, in clock ticks since boot: 0, or -1 if
 * there is no such process (or /proc cannot tell). */
int proc_start_time(pid_t pid, uint64_t *ticks);

/* What process pid used so far: its CPU time and its reaped children's
 * (clock ticks, sysconf(_SC_CLK_TCK) a second), and (if hwm_kb is not
 * NULL) its peak resident set in kB.  0, or -1 if it is gone. */
int proc_usage(pid_t pid, uint64_t *cpu_ticks, int64_t *hwm_kb);

/*
 * Send sig to process pid if it is still the process that started at
 * ticks running the program comm (NULL: any) -- through a pidfd, so a
 * recycled pid is never signalled.  Start times are counted in clock
 * ticks (10 ms): the program name tells apart two processes that got the
 * same pid within one tick.  0 if it was signalled, -1 (errno ESRCH) if
 * that process is gone.
 */
int proc_signal(pid_t pid, uint64_t ticks, const char *comm, int sig);

/*
 * The processes of a job: those in session sid (which the job's first
 * process led) that started at or after ticks, on this boot.  A session
 * whose leader is alive but started more than a second after ticks is
 * another job's, whose id the kernel recycled.
 */
struct proc_job {
	pid_t sid;
	uint64_t ticks;
};

/*
 * Kill (SIGKILL) every process of the n jobs and wait up to grace seconds
 * for them to be gone.  left[k] is the number of job k's processes still
 * there afterwards (unkillable, or not ours to kill: the errno in *why).
 * 0, or -1 when /proc cannot be read.
 */
int proc_kill_jobs(const struct proc_job *jobs, size_t n, double grace,
    size_t *left, int *why);

/* Format a local job's handle, "local:BOOT:SID:TICKS", into buf (len
 * bytes), and parse one back: 0, or -1 if it is not one (or names
 * another boot: then *other_boot is set). */
void proc_job_format(const struct proc_job *j, char *buf, size_t len);
int proc_job_parse(const char *handle, struct proc_job *j, bool *other_boot);

#endif
