/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-upload-job.h: one transfer on its way up
 *
 * initialize → upload every chunk of every file → complete, with up to
 * `parallel` chunks in flight, reads and hashes in worker threads ahead of
 * the network, bounded memory, retries per FmRetryPolicy, a pause for an
 * offline network that costs no attempts, and a JSON form from which a job
 * resumes after a crash with only the missing chunks.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "fm-client.h"
#include "fm-retry-policy.h"

G_BEGIN_DECLS

/* The saved job's "version"; files without one are version 0 (the same
 * fields) and load as they are. */
#define FM_UPLOAD_JOB_FORMAT_VERSION 1

typedef enum {
  FM_UPLOAD_STATE_QUEUED,
  FM_UPLOAD_STATE_INITIALIZING,
  FM_UPLOAD_STATE_UPLOADING,
  FM_UPLOAD_STATE_PAUSED,
  FM_UPLOAD_STATE_WAITING_FOR_NETWORK,
  FM_UPLOAD_STATE_COMPLETING,
  FM_UPLOAD_STATE_DONE,
  FM_UPLOAD_STATE_FAILED,
  FM_UPLOAD_STATE_CANCELLED,
} FmUploadState;

#define FM_TYPE_UPLOAD_STATE (fm_upload_state_get_type ())
GType        fm_upload_state_get_type   (void) G_GNUC_CONST;
const char  *fm_upload_state_to_string  (FmUploadState state);
gboolean     fm_upload_state_is_active  (FmUploadState state);

#define FM_TYPE_UPLOAD_JOB (fm_upload_job_get_type ())
G_DECLARE_FINAL_TYPE (FmUploadJob, fm_upload_job, FM, UPLOAD_JOB, GObject)

FmUploadJob   *fm_upload_job_new            (FmClient                *client,
                                             const FmTransferOptions *options,
                                             const char * const      *paths);
FmUploadJob   *fm_upload_job_new_from_json  (FmClient                *client,
                                             JsonObject              *object,
                                             GError                 **error);
JsonObject    *fm_upload_job_to_json        (FmUploadJob             *self);
JsonObject    *fm_upload_job_to_json_head   (FmUploadJob             *self);
GString       *fm_upload_job_files_to_text  (FmUploadJob             *self);

void           fm_upload_job_set_chunk_size (FmUploadJob     *self,
                                             gint64           chunk_size);
void           fm_upload_job_set_parallel   (FmUploadJob     *self,
                                             guint            parallel);
void           fm_upload_job_set_retry_policy (FmUploadJob   *self,
                                             FmRetryPolicy   *policy);
void           fm_upload_job_set_network_monitor (FmUploadJob *self,
                                             GNetworkMonitor *monitor);

void           fm_upload_job_start          (FmUploadJob     *self);
void           fm_upload_job_pause          (FmUploadJob     *self);
void           fm_upload_job_resume         (FmUploadJob     *self);
void           fm_upload_job_cancel         (FmUploadJob     *self);
void           fm_upload_job_cancel_async   (FmUploadJob         *self,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean       fm_upload_job_cancel_finish  (FmUploadJob         *self,
                                             GAsyncResult        *result,
                                             GError             **error);
void           fm_upload_job_retry          (FmUploadJob     *self);
void           fm_upload_job_set_held       (FmUploadJob     *self,
                                             gboolean         held);
gboolean       fm_upload_job_get_held       (FmUploadJob     *self);

void           fm_upload_job_run_async      (FmUploadJob         *self,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean       fm_upload_job_run_finish     (FmUploadJob         *self,
                                             GAsyncResult        *result,
                                             GError             **error);

const char    *fm_upload_job_get_id         (FmUploadJob     *self);
char          *fm_upload_job_dup_title      (FmUploadJob     *self);
FmUploadState  fm_upload_job_get_state      (FmUploadJob     *self);
gint64         fm_upload_job_get_bytes_total (FmUploadJob    *self);
gint64         fm_upload_job_get_bytes_sent (FmUploadJob     *self);
double         fm_upload_job_get_fraction   (FmUploadJob     *self);
double         fm_upload_job_get_speed      (FmUploadJob     *self);
gint64         fm_upload_job_get_eta        (FmUploadJob     *self);
const char    *fm_upload_job_get_current_file (FmUploadJob   *self);
guint          fm_upload_job_get_n_files    (FmUploadJob     *self);
const GError  *fm_upload_job_get_error      (FmUploadJob     *self);
const char    *fm_upload_job_get_transfer_id (FmUploadJob    *self);
const char    *fm_upload_job_get_transfer_key (FmUploadJob   *self);
const char    *fm_upload_job_get_refused_link (FmUploadJob   *self);
void           fm_upload_job_set_unconfirmed (FmUploadJob    *self,
                                              gboolean        unconfirmed);
gboolean       fm_upload_job_get_unconfirmed (FmUploadJob    *self);
const char    *fm_upload_job_get_download_url (FmUploadJob   *self);
guint          fm_upload_job_get_retry_wait (FmUploadJob     *self);

const FmTransferOptions *fm_upload_job_get_options (FmUploadJob *self);

gboolean       fm_upload_job_needs_new_transfer (FmUploadJob *self);
const char * const *fm_upload_job_get_sources (FmUploadJob   *self);
gboolean       fm_upload_job_had_password     (FmUploadJob   *self);
FmUploadJob   *fm_upload_job_new_again        (FmUploadJob   *self,
                                               const char    *password);
gboolean       fm_upload_job_claim            (FmUploadJob   *self,
                                               GError       **error);
gboolean       fm_upload_job_holds_claim      (FmUploadJob   *self);
void           fm_upload_job_set_lock_directory (FmUploadJob *self,
                                               const char    *directory);

G_END_DECLS
