/* SPDX-License-Identifier: BSD-3-Clause */
/** @file Log lines of voxgate-cp: UTC time, level, message, one per line. */
#include <errno.h>
#include <stdio.h>
#include <time.h>

#include "sip_pvt.h"

/* One logger per process, owned by the event-loop thread. */
static enum vg_cfg_log_level log_level = VG_LOG_INFO;
static FILE *log_file;

static const char *const level_names[] = {
		[VG_LOG_ERROR] = "error",
		[VG_LOG_WARNING] = "warning",
		[VG_LOG_NOTICE] = "notice",
		[VG_LOG_INFO] = "info",
		[VG_LOG_DEBUG] = "debug",
};

void
vg_cp_log(enum vg_cfg_log_level level, const char *fmt, ...)
{
	FILE *out = log_file != NULL ? log_file : stderr;
	struct timespec ts;
	struct tm tm;
	char when[32];
	const char *name;
	va_list ap;

	if (level > log_level || fmt == NULL)
		return;
	name = (unsigned)level < sizeof(level_names) / sizeof(level_names[0]) &&
					level_names[level] != NULL
			? level_names[level]
			: "log";
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(out, "%s.%03ldZ voxgate-cp %s: ", when, ts.tv_nsec / 1000000,
			name);
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
	fflush(out);
}

int
vg_cp_log_open(const struct vg_cfg_log *log)
{
	FILE *f;

	log_level = log->level;
	if (log->file[0] == '\0')
		return 0;
	f = fopen(log->file, "ae");
	if (f == NULL)
		return -errno;
	vg_cp_log_close();
	log_file = f;
	return 0;
}

void
vg_cp_log_close(void)
{
	if (log_file != NULL)
		fclose(log_file);
	log_file = NULL;
}

/* The same with libre's format handlers (%r, %J, %m, ...). */
void
vg_sip_log(enum vg_cfg_log_level level, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (level > log_level)
		return;
	va_start(ap, fmt);
	(void)re_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	vg_cp_log(level, "%s", line);
}
