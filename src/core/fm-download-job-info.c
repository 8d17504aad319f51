/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-download-job-info.c: what a download job tells and is told between
 * runs: its file, state, error, progress; its limits */
#define G_LOG_DOMAIN "fm-download-job"

#include "fm-download-job-private.h"

/* Reads no faster than @limit lets them (shared with other jobs; its
 * rate may change while this one runs). NULL: no limit. */
void
fm_download_job_set_rate_limiter (FmDownloadJob *self,
                                  FmRateLimiter *limit)
{
  g_return_if_fail (FM_IS_DOWNLOAD_JOB (self));
  g_set_object (&self->limit, limit);
}

FmTransferFile *
fm_download_job_get_file (FmDownloadJob *self)
{
  return self->file;
}

void
fm_download_job_set_retry_policy (FmDownloadJob *self,
                                  FmRetryPolicy *policy)
{
  g_set_object (&self->retry, policy);
}

FmDownloadState
fm_download_job_get_state (FmDownloadJob *self)
{
  return self->state;
}

/* Why the last run failed or stopped; NULL otherwise. */
const GError *
fm_download_job_get_error (FmDownloadJob *self)
{
  return self->error;
}

const char *
fm_download_job_get_name (FmDownloadJob *self)
{
  return self->part.name;
}

const char *
fm_download_job_get_path (FmDownloadJob *self)
{
  return self->path;
}

gint64
fm_download_job_get_bytes_total (FmDownloadJob *self)
{
  return self->expected;
}

gint64
fm_download_job_get_bytes_received (FmDownloadJob *self)
{
  return _fm_download_job_total_received (self);
}

double
fm_download_job_get_fraction (FmDownloadJob *self)
{
  if (self->path != NULL)
    return 1.0;
  if (self->expected <= 0)
    return 0.0;
  return CLAMP ((double) _fm_download_job_total_received (self) / (double) self->expected, 0.0, 1.0);
}

double
fm_download_job_get_speed (FmDownloadJob *self)
{
  return self->speed;
}
