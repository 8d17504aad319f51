/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-upload-job-info.c: what an FmUploadJob tells of itself (its getters),
 * and Send Again (a new job for the same files when the transfer is gone)
 */
#define G_LOG_DOMAIN "fm-upload-job"

#include <glib/gi18n-lib.h>

#include "fm-chunk-plan.h"
#include "fm-error.h"
#include "fm-upload-job-private.h"
#include "fm-upload-scan.h"

/* ---------------------------------------------------------- send again */

/* A failure that retrying the same transfer cannot mend: the server no
 * longer knows it (deleted, expired, in a state that takes no files), or a
 * file is no longer what the transfer announced. A new transfer of the
 * same files, as they are now, can. */
gboolean
fm_upload_job_needs_new_transfer (FmUploadJob *self)
{
  static const int codes[] = {
    FM_ERROR_NOT_FOUND, FM_ERROR_TRANSFER_EXPIRED, FM_ERROR_INVALID_TRANSFER_STATE,
    FM_ERROR_FILE_IS_DELETED, FM_ERROR_FILE_CHANGED,
  };

  g_return_val_if_fail (FM_IS_UPLOAD_JOB (self), FALSE);
  if (self->state != FM_UPLOAD_STATE_FAILED || self->error == NULL || self->error->domain != FM_ERROR)
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (codes); i++)
    if (self->error->code == codes[i])
      return TRUE;
  return FALSE;
}

/* What Send Again works from: the files and folders as the user chose
 * them (NULL for a job saved by a version that did not keep them). */
const char * const *
fm_upload_job_get_sources (FmUploadJob *self)
{
  g_return_val_if_fail (FM_IS_UPLOAD_JOB (self), NULL);
  return (const char * const *) self->sources;
}

/* Whether the transfer was protected by a password. The password itself
 * is gone once the transfer exists: Send Again must ask for it. */
gboolean
fm_upload_job_had_password (FmUploadJob *self)
{
  g_return_val_if_fail (FM_IS_UPLOAD_JOB (self), FALSE);
  return self->had_password;
}

/* A new job for the same files (scanned again, as they are now), the same
 * recipients, subject, message, expiry and notifications, and @password
 * (the caller asks for it when fm_upload_job_had_password()). */
FmUploadJob *
fm_upload_job_new_again (FmUploadJob *self,
                         const char  *password)
{
  g_autoptr(FmTransferOptions) options = NULL;
  FmUploadJob *again;

  g_return_val_if_fail (FM_IS_UPLOAD_JOB (self), NULL);
  g_return_val_if_fail (self->sources != NULL, NULL);
  options = fm_transfer_options_copy (self->options);
  g_free (options->password);
  options->password = password != NULL && *password != '\0' ? g_strdup (password) : NULL;
  again = fm_upload_job_new (self->client, options, (const char * const *) self->sources);
  again->chunk_size = self->chunk_size;
  again->parallel = self->parallel;
  g_set_object (&again->retry, self->retry);
  return again;
}

/* ------------------------------------------------------------- getters */

const char *
fm_upload_job_get_id (FmUploadJob *self)
{
  return self->id;
}

/* The subject, or the first file's name ("a.txt and 3 more"). */
char *
fm_upload_job_dup_title (FmUploadJob *self)
{
  const char *first = NULL;
  guint n = fm_upload_job_get_n_files (self);

  if (self->options->subject != NULL && *self->options->subject != '\0')
    return g_strdup (self->options->subject);
  if (self->files != NULL && self->files->len > 0)
    first = ((FmUploadFile *) self->files->pdata[0])->name;
  else if (self->inputs != NULL && self->inputs[0] != NULL)
    return g_filename_display_basename (self->inputs[0]);
  if (first == NULL)
    return g_strdup (_("Transfer"));
  if (n <= 1)
    return g_strdup (first);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s and %u more", "%s and %u more", n - 1),
                          first, n - 1);
}

FmUploadState
fm_upload_job_get_state (FmUploadJob *self)
{
  return self->state;
}

gint64
fm_upload_job_get_bytes_total (FmUploadJob *self)
{
  return self->bytes_total;
}

gint64
fm_upload_job_get_bytes_sent (FmUploadJob *self)
{
  return _fm_upload_job_bytes_sent (self);
}

double
fm_upload_job_get_fraction (FmUploadJob *self)
{
  if (self->state == FM_UPLOAD_STATE_DONE)
    return 1.0;
  if (self->bytes_total <= 0)
    return 0.0;
  return CLAMP ((double) _fm_upload_job_bytes_sent (self) / (double) self->bytes_total, 0.0, 1.0);
}

double
fm_upload_job_get_speed (FmUploadJob *self)
{
  return self->speed;
}

gint64
fm_upload_job_get_eta (FmUploadJob *self)
{
  if (self->state != FM_UPLOAD_STATE_UPLOADING || self->speed < 1)
    return -1;
  return (gint64) ((double) (self->bytes_total - _fm_upload_job_bytes_sent (self)) / self->speed + 0.5);
}

const char *
fm_upload_job_get_current_file (FmUploadJob *self)
{
  return self->current_file;
}

guint
fm_upload_job_get_n_files (FmUploadJob *self)
{
  return self->files != NULL ? self->files->len : 0;
}

const GError *
fm_upload_job_get_error (FmUploadJob *self)
{
  return self->error;
}

const char *
fm_upload_job_get_transfer_id (FmUploadJob *self)
{
  return self->ticket != NULL ? self->ticket->id : NULL;
}

/* The transfer's key (a secret: for /api/transfer/cancel and nothing
 * shown), or NULL before initialize. */
const char *
fm_upload_job_get_transfer_key (FmUploadJob *self)
{
  return self->ticket != NULL ? self->ticket->key : NULL;
}

/* What the server gave as the link when it is no web link (shown as text
 * with a sentence, never as a link), or NULL. */
const char *
fm_upload_job_get_refused_link (FmUploadJob *self)
{
  return self->refused_link;
}

const char *
fm_upload_job_get_download_url (FmUploadJob *self)
{
  return self->download_url;
}

