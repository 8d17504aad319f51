/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-download-job.h: one file coming down
 *
 * Streamed to "<name>.<key>.part" in the chosen folder (the key: a hash of
 * the transfer and file ids, so two transfers' "report.pdf" never share
 * one), opened relative to the folder's descriptor without following
 * links and locked while written; resumed with an HTTP Range after an
 * interruption (in this run or a later one); never written past the size
 * the server announced; checked on disk, then renamed with
 * RENAME_NOREPLACE to a name that exists nowhere yet ("name (1).ext"):
 * nothing is ever overwritten, and no link planted in the folder is ever
 * followed. The server's file name is never used as a path
 * (fm_download_safe_name). Redirects are followed only to addresses that
 * pass fm_client_check_url(). An unknown size (-1) downloads to the end of
 * the stream. A file of FM_DOWNLOAD_RANGES_MIN_SIZE or more comes over up
 * to four connections when the server takes ranges (fm-download-ranges.h),
 * each range resumed where it stopped; the rate limit applies to the sum.
 */
#pragma once

#include <libsoup/soup.h>

#include "fm-retry-policy.h"
#include "fm-rate-limiter.h"
#include "fm-transfer-file.h"

G_BEGIN_DECLS

typedef enum {
  FM_DOWNLOAD_STATE_IDLE,       /* not started yet */
  FM_DOWNLOAD_STATE_RUNNING,
  FM_DOWNLOAD_STATE_DONE,
  FM_DOWNLOAD_STATE_FAILED,
  FM_DOWNLOAD_STATE_STOPPED,    /* cancelled; the .part stays for the next run */
} FmDownloadState;

#define FM_TYPE_DOWNLOAD_STATE (fm_download_state_get_type ())
GType fm_download_state_get_type (void) G_GNUC_CONST;

#define FM_TYPE_DOWNLOAD_JOB (fm_download_job_get_type ())
G_DECLARE_FINAL_TYPE (FmDownloadJob, fm_download_job, FM, DOWNLOAD_JOB, GObject)

char          *fm_download_safe_name          (const char    *server_name);
char          *fm_download_unique_path        (const char    *directory,
                                               const char    *name);
char          *fm_download_candidate_name     (const char    *name,
                                               guint          n);

FmDownloadJob *fm_download_job_new            (SoupSession   *session,
                                               const char    *url,
                                               const char    *server_name,
                                               gint64         expected_size,
                                               const char    *directory,
                                               const char    *part_key);
FmDownloadJob *fm_download_job_new_for_file   (SoupSession   *session,
                                               FmTransferFile *file,
                                               const char    *directory);
FmTransferFile *fm_download_job_get_file      (FmDownloadJob  *self);
void           fm_download_job_stop           (FmDownloadJob  *self);
void           fm_download_job_set_retry_policy (FmDownloadJob *self,
                                               FmRetryPolicy *policy);
void           fm_download_job_run_async      (FmDownloadJob       *self,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
void           fm_download_job_set_margin     (FmDownloadJob  *self,
                                               gint64          margin);
gboolean       fm_download_job_run_finish     (FmDownloadJob  *self,
                                               GAsyncResult   *result,
                                               GError        **error);
const char    *fm_download_job_get_name       (FmDownloadJob  *self);
FmDownloadState fm_download_job_get_state     (FmDownloadJob  *self);
void            fm_download_job_set_rate_limiter (FmDownloadJob *self,
                                               FmRateLimiter  *limit);
const GError  *fm_download_job_get_error      (FmDownloadJob  *self);
const char    *fm_download_job_get_path       (FmDownloadJob  *self);
gint64         fm_download_job_get_bytes_total (FmDownloadJob *self);
gint64         fm_download_job_get_bytes_received (FmDownloadJob *self);
double         fm_download_job_get_fraction   (FmDownloadJob  *self);
double         fm_download_job_get_speed      (FmDownloadJob  *self);

G_END_DECLS
