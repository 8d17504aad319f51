/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-upload-job.c: one transfer on its way up
 *
 * A run is one attempt at moving the job forward: it has a generation
 * number and a GCancellable. Pausing, going offline or failing ends the
 * run: the cancellable is cancelled and the generation bumped, so callbacks
 * of the old run that arrive later only free what they carry. Progress
 * lives in the acknowledged-chunk sets of the files, which is all a new run
 * (or a new process, from JSON) needs to send only what is missing.
 */
#define G_LOG_DOMAIN "fm-upload-job"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "fm-chunk-io.h"
#include "fm-chunk-plan.h"
#include "fm-error.h"
#include "fm-http.h"
#include "fm-json.h"
#include "fm-upload-job-private.h"
#include "fm-upload-scan.h"

G_DEFINE_FINAL_TYPE (FmUploadJob, fm_upload_job, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (FmUploadState, fm_upload_state,
  G_DEFINE_ENUM_VALUE (FM_UPLOAD_STATE_QUEUED, "queued"),
  G_DEFINE_ENUM_VALUE (FM_UPLOAD_STATE_INITIALIZING, "initializing"),
  G_DEFINE_ENUM_VALUE (FM_UPLOAD_STATE_UPLOADING, "uploading"),
  G_DEFINE_ENUM_VALUE (FM_UPLOAD_STATE_PAUSED, "paused"),
  G_DEFINE_ENUM_VALUE (FM_UPLOAD_STATE_WAITING_FOR_NETWORK, "waiting-for-network"),
  G_DEFINE_ENUM_VALUE (FM_UPLOAD_STATE_COMPLETING, "completing"),
  G_DEFINE_ENUM_VALUE (FM_UPLOAD_STATE_DONE, "done"),
  G_DEFINE_ENUM_VALUE (FM_UPLOAD_STATE_FAILED, "failed"),
  G_DEFINE_ENUM_VALUE (FM_UPLOAD_STATE_CANCELLED, "cancelled"))

enum {
  PROP_0,
  PROP_STATE,
  PROP_BYTES_TOTAL,
  PROP_BYTES_SENT,
  PROP_FRACTION,
  PROP_SPEED,
  PROP_ETA,
  PROP_CURRENT_FILE,
  PROP_N_FILES,
  PROP_ERROR,
  PROP_TRANSFER_ID,
  PROP_DOWNLOAD_URL,
  PROP_RETRY_WAIT,
  PROP_HELD,
  PROP_UNCONFIRMED,
  N_PROPS
};

enum {
  SIGNAL_CHANGED,
  SIGNAL_CHUNK_ACKED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void run_phase (FmUploadJob *self);

const char *
fm_upload_state_to_string (FmUploadState state)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (FM_TYPE_UPLOAD_STATE);
  GEnumValue *value = g_enum_get_value (klass, state);

  return value != NULL ? value->value_nick : "unknown";
}

/* States in which the job is moving or will move by itself. */
gboolean
fm_upload_state_is_active (FmUploadState state)
{
  return state == FM_UPLOAD_STATE_INITIALIZING || state == FM_UPLOAD_STATE_UPLOADING ||
         state == FM_UPLOAD_STATE_COMPLETING || state == FM_UPLOAD_STATE_WAITING_FOR_NETWORK;
}

/* ------------------------------------------------------------- progress */

/* acknowledged chunks, and what the ones on the wire wrote so far */
gint64
_fm_upload_job_bytes_sent (FmUploadJob *self)
{
  gint64 sent = self->bytes_acked;

  for (guint i = 0; i < self->sending->len; i++)
    sent += fm_chunk_post_get_sent (((Chunk *) self->sending->pdata[i])->post);
  return MIN (sent, self->bytes_total);
}

static void
notify_progress (FmUploadJob *self)
{
  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYTES_SENT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPEED]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ETA]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURRENT_FILE]);
  g_object_thaw_notify (G_OBJECT (self));
}

/* Byte counts move on every write libsoup makes; the UI hears about them
 * from this tick only, at most ten times a second. */
static gboolean
tick_cb (gpointer data)
{
  FmUploadJob *self = data;
  gint64 now = g_get_monotonic_time ();
  gint64 sent = _fm_upload_job_bytes_sent (self);
  double dt = (double) (now - self->sample_time) / G_USEC_PER_SEC;

  /* The first moments are connection set-up and read-ahead: a speed from
   * them would promise hours, or seconds, that are not true. */
  if (now - self->run_start >= SPEED_WARMUP_US && dt > 0)
    {
      double instant = MAX (0, (double) (sent - self->sample_bytes)) / dt;

      self->speed = self->speed <= 0 ? instant : (1 - SPEED_ALPHA) * self->speed + SPEED_ALPHA * instant;
    }
  self->sample_time = now;
  self->sample_bytes = sent;
  if (sent != self->shown_bytes || self->speed > 0)
    {
      self->shown_bytes = sent;
      notify_progress (self);
    }
  return G_SOURCE_CONTINUE;
}

static void
start_ticking (FmUploadJob *self)
{
  if (self->tick_id != 0)
    return;
  self->sample_time = self->run_start = g_get_monotonic_time ();
  self->sample_bytes = _fm_upload_job_bytes_sent (self);
  self->tick_id = g_timeout_add (TICK_MS, tick_cb, self);
}

static void
stop_ticking (FmUploadJob *self)
{
  g_clear_handle_id (&self->tick_id, g_source_remove);
  self->speed = 0;
  self->shown_bytes = _fm_upload_job_bytes_sent (self);
  notify_progress (self);
}

/* --------------------------------------------------------------- states */

/* What the user asked for: recipients, subject… (never NULL). */
const FmTransferOptions *
fm_upload_job_get_options (FmUploadJob *self)
{
  g_return_val_if_fail (FM_IS_UPLOAD_JOB (self), NULL);
  return self->options;
}

void
_fm_upload_job_emit_chunk_acked (FmUploadJob *self,
                                 guint        file,
                                 gint64       chunk)
{
  g_signal_emit (self, signals[SIGNAL_CHUNK_ACKED], 0, file, chunk);
}

void
_fm_upload_job_emit_changed (FmUploadJob *self)
{
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
complete_run_tasks (FmUploadJob *self)
{
  g_autoptr(GPtrArray) tasks = NULL;

  if (fm_upload_state_is_active (self->state) || self->state == FM_UPLOAD_STATE_QUEUED)
    return;
  tasks = g_steal_pointer (&self->run_tasks);
  self->run_tasks = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < tasks->len; i++)
    {
      GTask *task = tasks->pdata[i];

      if (self->state == FM_UPLOAD_STATE_DONE)
        g_task_return_boolean (task, TRUE);
      else if (self->state == FM_UPLOAD_STATE_FAILED)
        g_task_return_error (task, g_error_copy (self->error));
      else
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s",
                                 self->state == FM_UPLOAD_STATE_PAUSED
                                 ? _("The upload is paused.") : _("The upload was cancelled."));
    }
}

void
_fm_upload_job_set_state (FmUploadJob   *self,
           FmUploadState  state)
{
  if (self->state == state)
    return;
  g_debug ("job %s: %s → %s", self->id, fm_upload_state_to_string (self->state),
           fm_upload_state_to_string (state));
  self->state = state;
  if (state == FM_UPLOAD_STATE_UPLOADING)
    start_ticking (self);
  else
    stop_ticking (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  _fm_upload_job_emit_changed (self);
  /* Saved (or removed) above; a finished job's lock goes with it. */
  if (state == FM_UPLOAD_STATE_DONE || state == FM_UPLOAD_STATE_CANCELLED)
    _fm_upload_job_release_claim (self, TRUE);
  complete_run_tasks (self);
}

/* Ends the current run: nothing of it may touch the job after this. */
void
_fm_upload_job_stop_run (FmUploadJob *self)
{
  Chunk *chunk;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->generation++;
  while ((chunk = g_queue_pop_head (&self->ready)) != NULL)
    _fm_upload_job_chunk_free (chunk);
  while ((chunk = g_queue_pop_head (&self->retry_ready)) != NULL)
    _fm_upload_job_chunk_free (chunk);
  g_ptr_array_set_size (self->waiting, 0);
  g_clear_handle_id (&self->api_timer, g_source_remove);
  self->n_reading = 0;
  self->n_sending = 0;
  g_ptr_array_set_size (self->sending, 0);
  self->cursor_file = 0;
  self->cursor_chunk = 0;
}

void
_fm_upload_job_fail (FmUploadJob *self,
      GError      *error)
{
  g_debug ("job %s failed: %s", self->id, error->message);
  _fm_upload_job_stop_run (self);
  g_clear_error (&self->error);
  self->error = error;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
  _fm_upload_job_set_state (self, FM_UPLOAD_STATE_FAILED);
}

gboolean
_fm_upload_job_is_offline (FmUploadJob *self)
{
  return self->monitor != NULL && !g_network_monitor_get_network_available (self->monitor);
}

static void
network_changed_cb (GNetworkMonitor *monitor,
                    gboolean         available,
                    FmUploadJob     *self)
{
  available = g_network_monitor_get_network_available (monitor);
  if (!available && fm_upload_state_is_active (self->state) &&
      self->state != FM_UPLOAD_STATE_WAITING_FOR_NETWORK)
    {
      /* Requests in flight would only fail and spend attempts: stop them. */
      _fm_upload_job_stop_run (self);
      _fm_upload_job_set_state (self, FM_UPLOAD_STATE_WAITING_FOR_NETWORK);
    }
  else if (available && self->state == FM_UPLOAD_STATE_WAITING_FOR_NETWORK)
    run_phase (self);
}

/* ------------------------------------------------------ API call retries */

static gboolean
api_retry_cb (gpointer data)
{
  FmUploadJob *self = data;

  self->api_timer = 0;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RETRY_WAIT]);
  run_phase (self);
  return G_SOURCE_REMOVE;
}

/* initialize and complete: a transient failure waits and tries again, an
 * offline network waits for the network, anything else fails the job. */
static void
api_failed (FmUploadJob *self,
            GError      *error)
{
  if (fm_retry_policy_classify (0, error) == FM_RETRY_TRANSIENT)
    {
      if (_fm_upload_job_is_offline (self))
        {
          g_error_free (error);
          _fm_upload_job_stop_run (self);
          _fm_upload_job_set_state (self, FM_UPLOAD_STATE_WAITING_FOR_NETWORK);
          return;
        }
      if (fm_retry_policy_record_failure (self->retry, &self->api_retry))
        {
          g_debug ("job %s: %s; again in %u ms", self->id, error->message,
                   fm_retry_policy_wait_ms (self->retry, &self->api_retry));
          self->api_timer = g_timeout_add (fm_retry_policy_wait_ms (self->retry, &self->api_retry),
                                           api_retry_cb, self);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RETRY_WAIT]);
          g_error_free (error);
          return;
        }
    }
  _fm_upload_job_fail (self, error);
}

/* ----------------------------------------------------------------- scan */

void
_fm_upload_job_plan_files (FmUploadJob *self)
{
  self->bytes_total = self->bytes_acked = 0;
  self->chunks_total = self->chunks_acked = 0;
  for (guint i = 0; i < self->files->len; i++)
    {
      FmUploadFile *file = g_ptr_array_index (self->files, i);
      gint64 n = fm_chunk_plan_count (file->size, self->chunk_size);

      if (file->acked == NULL || fm_chunk_set_get_size (file->acked) != n)
        {
          fm_chunk_set_free (file->acked);
          file->acked = fm_chunk_set_new (n);
        }
      self->bytes_total += file->size;
      self->chunks_total += n;
      self->chunks_acked += fm_chunk_set_count (file->acked);
      for (gint64 c = 0; c < n; c++)
        if (fm_chunk_set_contains (file->acked, c))
          {
            gint64 offset, length;

            fm_chunk_plan_range (file->size, self->chunk_size, c, &offset, &length);
            self->bytes_acked += length;
          }
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYTES_TOTAL]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_FILES]);
}

static void
scan_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(FmUploadJob) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) files = fm_upload_scan_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (files == NULL)
    {
      _fm_upload_job_fail (self, g_steal_pointer (&error));
      return;
    }
  self->files = g_steal_pointer (&files);
  g_clear_pointer (&self->inputs, g_strfreev);
  _fm_upload_job_plan_files (self);
  _fm_upload_job_emit_changed (self);
  run_phase (self);
}

/* ----------------------------------------------------------- initialize */

static void
forget_password (FmUploadJob *self)
{
  char *password = self->options->password;

  if (password == NULL)
    return;
  memset (password, 0, strlen (password));
  g_clear_pointer (&self->options->password, g_free);
}

static void
initialize_done_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(FmUploadJob) self = user_data;
  GError *error = NULL;
  g_autoptr(FmTransferTicket) ticket = fm_client_transfer_initialize_finish (FM_CLIENT (source), result, &error);
  g_autofree char *upgraded = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_error_free (error);
      return;
    }
  if (ticket == NULL)
    {
      api_failed (self, error);
      return;
    }
  upgraded = fm_client_upgrade_url (ticket->url);
  if (!fm_client_check_url (upgraded, &error))
    {
      _fm_upload_job_fail (self, error);
      return;
    }
  g_free (ticket->url);
  ticket->url = g_steal_pointer (&upgraded);
  self->ticket = g_steal_pointer (&ticket);
  self->api_retry = (FmRetryState) { 0 };
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TRANSFER_ID]);
  _fm_upload_job_emit_changed (self);   /* the ticket must be on disk before any chunk goes */
  /* paused or cancelled by whoever heard of the transfer id: stay so */
  if (self->state != FM_UPLOAD_STATE_INITIALIZING)
    return;
  run_phase (self);
}

static void
initialize (FmUploadJob *self)
{
  g_autoptr(FmTransferOptions) options = fm_transfer_options_copy (self->options);

  options->transfer_size = self->bytes_total;
  fm_client_transfer_initialize_async (self->client, options, self->cancellable,
                                       initialize_done_cb, g_object_ref (self));
}

/* ------------------------------------------------------------- complete */

static void
finish_done (FmUploadJob *self,
             const char  *url)
{
  forget_password (self);
  g_free (self->download_url);
  g_free (self->refused_link);
  /* a link is printed, copied, drawn as a QR code and opened: only an
   * https one (or http to this computer) is one; anything else the server
   * gave (javascript:, file:) is kept as text to show with a sentence */
  if (url != NULL && *url != '\0' && !fm_client_url_is_safe_to_open (url))
    {
      g_free (self->refused_link);
      self->refused_link = g_strdup (url);
      url = NULL;
    }
  self->download_url = g_strdup (url != NULL ? url : "");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOWNLOAD_URL]);
  _fm_upload_job_set_state (self, FM_UPLOAD_STATE_DONE);
}

typedef struct {
  FmUploadJob *job;
  GError      *complete_error;
} CheckData;

static void
check_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  CheckData *data = user_data;
  g_autoptr(FmUploadJob) self = data->job;
  g_autoptr(GError) error = NULL;
  g_autoptr(FmTransfer) transfer = fm_client_transfer_get_finish (FM_CLIENT (source), result, &error);
  GError *complete_error = data->complete_error;

  g_free (data);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_error_free (complete_error);
      return;
    }
  if (transfer != NULL && g_strcmp0 (fm_transfer_get_status (transfer), "STATUS_COMPLETE") == 0)
    {
      g_debug ("job %s: complete's answer was lost; the transfer is complete", self->id);
      g_error_free (complete_error);
      finish_done (self, fm_transfer_get_url (transfer));
      return;
    }
  if (error != NULL && fm_retry_policy_classify (0, error) == FM_RETRY_TRANSIENT)
    {
      g_error_free (complete_error);
      api_failed (self, g_steal_pointer (&error));
      return;
    }
  _fm_upload_job_fail (self, complete_error);
}

/* 3100 InvalidTransferState from complete: most often an earlier complete
 * did reach the server and only its answer was lost (the connection
 * dropped, the process was killed); an answer that cannot be read may
 * hide a success. transfer/get tells: complete means done, with the
 * link; anything else is the server's refusal. */
static void
check_completed (FmUploadJob *self,
                 GError      *complete_error)
{
  CheckData *data = g_new0 (CheckData, 1);

  data->job = g_object_ref (self);
  data->complete_error = complete_error;
  fm_client_transfer_get_async (self->client, self->ticket->id, self->options->password,
                                self->cancellable, check_done_cb, data);
}

static void
complete_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(FmUploadJob) self = user_data;
  GError *error = NULL;
  g_autofree char *url = fm_client_transfer_complete_finish (FM_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_error_free (error);
      return;
    }
  /* 3100, or an answer that does not parse (the reference's own complete
   * example is not valid JSON): the transfer may well be complete, and
   * transfer/get says whether it is */
  if (g_error_matches (error, FM_ERROR, FM_ERROR_INVALID_TRANSFER_STATE) ||
      g_error_matches (error, FM_ERROR, FM_ERROR_PROTOCOL))
    {
      check_completed (self, error);
      return;
    }
  if (url == NULL)
    {
      api_failed (self, error);
      return;
    }
  finish_done (self, url);
}

void
_fm_upload_job_complete (FmUploadJob *self)
{
  _fm_upload_job_set_state (self, FM_UPLOAD_STATE_COMPLETING);
  fm_client_transfer_complete_async (self->client, self->ticket->id, self->ticket->key,
                                     self->cancellable, complete_done_cb, g_object_ref (self));
}

/* Decides what the job does next from what it has: files, a ticket,
 * acknowledged chunks. A resumed job enters here too. */
static void
run_phase (FmUploadJob *self)
{
  if (_fm_upload_job_is_offline (self))
    {
      _fm_upload_job_set_state (self, FM_UPLOAD_STATE_WAITING_FOR_NETWORK);
      return;
    }
  if (self->files == NULL)
    {
      _fm_upload_job_set_state (self, FM_UPLOAD_STATE_INITIALIZING);
      fm_upload_scan_async ((const char * const *) self->inputs, self->cancellable,
                            scan_done_cb, g_object_ref (self));
    }
  else if (self->ticket == NULL)
    {
      _fm_upload_job_set_state (self, FM_UPLOAD_STATE_INITIALIZING);
      initialize (self);
    }
  else if (self->chunks_acked < self->chunks_total)
    {
      _fm_upload_job_set_state (self, FM_UPLOAD_STATE_UPLOADING);
      _fm_upload_job_pump (self);
    }
  else
    _fm_upload_job_complete (self);
}

/* -------------------------------------------------------------- GObject */

static void
fm_upload_job_dispose (GObject *object)
{
  FmUploadJob *self = FM_UPLOAD_JOB (object);

  if (self->cancellable != NULL)
    _fm_upload_job_stop_run (self);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (self->pool != NULL)
    fm_buffer_pool_disconnect (self->pool);
  g_clear_signal_handler (&self->monitor_handler, self->monitor);
  g_clear_object (&self->monitor);
  if (self->client != NULL)
    g_clear_signal_handler (&self->slot_handler, self->client);
  g_clear_handle_id (&self->slot_idle, g_source_remove);
  G_OBJECT_CLASS (fm_upload_job_parent_class)->dispose (object);
}

static void
fm_upload_job_finalize (GObject *object)
{
  FmUploadJob *self = FM_UPLOAD_JOB (object);

  _fm_upload_job_release_claim (self, FALSE);
  g_free (self->lock_dir);
  g_free (self->id);
  g_clear_object (&self->client);
  fm_transfer_options_free (self->options);
  g_strfreev (self->inputs);
  g_strfreev (self->sources);
  g_clear_pointer (&self->files, g_ptr_array_unref);
  fm_transfer_ticket_free (self->ticket);
  g_free (self->download_url);
  g_clear_error (&self->error);
  g_clear_object (&self->retry);
  g_clear_pointer (&self->pool, fm_buffer_pool_unref);
  g_clear_object (&self->cancellable);
  g_ptr_array_unref (self->waiting);
  g_ptr_array_unref (self->sending);
  g_ptr_array_unref (self->run_tasks);
  G_OBJECT_CLASS (fm_upload_job_parent_class)->finalize (object);
}

static void
fm_upload_job_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  FmUploadJob *self = FM_UPLOAD_JOB (object);

  switch (prop_id)
    {
    case PROP_STATE: g_value_set_enum (value, self->state); break;
    case PROP_BYTES_TOTAL: g_value_set_int64 (value, self->bytes_total); break;
    case PROP_BYTES_SENT: g_value_set_int64 (value, _fm_upload_job_bytes_sent (self)); break;
    case PROP_FRACTION: g_value_set_double (value, fm_upload_job_get_fraction (self)); break;
    case PROP_SPEED: g_value_set_double (value, self->speed); break;
    case PROP_ETA: g_value_set_int64 (value, fm_upload_job_get_eta (self)); break;
    case PROP_CURRENT_FILE: g_value_set_string (value, self->current_file); break;
    case PROP_N_FILES: g_value_set_uint (value, fm_upload_job_get_n_files (self)); break;
    case PROP_ERROR: g_value_set_boxed (value, self->error); break;
    case PROP_TRANSFER_ID: g_value_set_string (value, fm_upload_job_get_transfer_id (self)); break;
    case PROP_DOWNLOAD_URL: g_value_set_string (value, self->download_url); break;
    case PROP_RETRY_WAIT: g_value_set_uint (value, fm_upload_job_get_retry_wait (self)); break;
    case PROP_HELD: g_value_set_boolean (value, self->held); break;
    case PROP_UNCONFIRMED: g_value_set_boolean (value, self->unconfirmed); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fm_upload_job_class_init (FmUploadJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = fm_upload_job_dispose;
  object_class->finalize = fm_upload_job_finalize;
  object_class->get_property = fm_upload_job_get_property;

  properties[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, FM_TYPE_UPLOAD_STATE,
                                              FM_UPLOAD_STATE_QUEUED, flags);
  properties[PROP_BYTES_TOTAL] = g_param_spec_int64 ("bytes-total", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_BYTES_SENT] = g_param_spec_int64 ("bytes-sent", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_FRACTION] = g_param_spec_double ("fraction", NULL, NULL, 0, 1, 0, flags);
  /* bytes per second, smoothed */
  properties[PROP_SPEED] = g_param_spec_double ("speed", NULL, NULL, 0, G_MAXDOUBLE, 0, flags);
  /* seconds left, -1 when unknown */
  properties[PROP_ETA] = g_param_spec_int64 ("eta", NULL, NULL, -1, G_MAXINT64, -1, flags);
  properties[PROP_CURRENT_FILE] = g_param_spec_string ("current-file", NULL, NULL, NULL, flags);
  properties[PROP_N_FILES] = g_param_spec_uint ("n-files", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_ERROR] = g_param_spec_boxed ("error", NULL, NULL, G_TYPE_ERROR, flags);
  properties[PROP_TRANSFER_ID] = g_param_spec_string ("transfer-id", NULL, NULL, NULL, flags);
  properties[PROP_DOWNLOAD_URL] = g_param_spec_string ("download-url", NULL, NULL, NULL, flags);
  /* seconds until initialize or complete is tried again (0: not
   * waiting); notified when such a wait starts and ends, so a failure
   * shows at once */
  properties[PROP_RETRY_WAIT] = g_param_spec_uint ("retry-wait", NULL, NULL, 0, G_MAXUINT, 0, flags);
  /* paused, and waiting for a connection that is not metered (FmAutomation) */
  properties[PROP_HELD] = g_param_spec_boolean ("held", NULL, NULL, FALSE, flags);
  /* a saved job this installation did not write (FmQueueStore's seal):
   * it is never started by itself, only by the user */
  properties[PROP_UNCONFIRMED] = g_param_spec_boolean ("unconfirmed", NULL, NULL, FALSE, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Something worth saving happened: a chunk was acknowledged, the state
   * or the ticket changed. */
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* a chunk the server acknowledged (file index, chunk index), just before
   * "changed": what the queue journals in place of the whole job */
  signals[SIGNAL_CHUNK_ACKED] = g_signal_new ("chunk-acked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                              0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_INT64);
}

static void
fm_upload_job_init (FmUploadJob *self)
{
  self->id = g_uuid_string_random ();
  self->lock_fd = -1;
  self->created = g_get_real_time () / G_USEC_PER_SEC;
  self->chunk_size = FM_CHUNK_SIZE_DEFAULT;
  self->parallel = DEFAULT_PARALLEL;
  self->retry = fm_retry_policy_new ();
  self->cancellable = g_cancellable_new ();
  self->waiting = g_ptr_array_new_with_free_func ((GDestroyNotify) _fm_upload_job_chunk_free);
  self->sending = g_ptr_array_new ();   /* not owned: each send's callback frees its chunk */
  self->run_tasks = g_ptr_array_new_with_free_func (g_object_unref);
  g_queue_init (&self->ready);
  g_queue_init (&self->retry_ready);
}

/* A saved job is resumed by another process, maybe from another folder
 * (`filemail send movie.mkv`, Ctrl-C, `cd /; filemail resume`): a path as
 * typed is made absolute against the working folder of this moment, the
 * way the scanner reads it (g_canonicalize_filename). */
static GStrv
absolute_paths (const char * const *paths)
{
  GStrv absolute = g_new0 (char *, g_strv_length ((GStrv) paths) + 1);

  for (guint i = 0; paths[i] != NULL; i++)
    absolute[i] = g_canonicalize_filename (paths[i], NULL);
  return absolute;
}

FmUploadJob *
fm_upload_job_new (FmClient                *client,
                   const FmTransferOptions *options,
                   const char * const      *paths)
{
  FmUploadJob *self = g_object_new (FM_TYPE_UPLOAD_JOB, NULL);

  self->client = g_object_ref (client);
  self->options = fm_transfer_options_copy (options);
  self->inputs = absolute_paths (paths);
  self->sources = g_strdupv (self->inputs);
  self->had_password = options->password != NULL && *options->password != '\0';
  return self;
}

/* ------------------------------------------------------------ controls */

static void
ensure_pool (FmUploadJob *self)
{
  if (self->pool != NULL)
    return;
  /* tokens, not buffers: a chunk is hashed and then sent from the file
   * (fm-chunk-io.h), so memory does not grow with the chunk size */
  self->pool = fm_buffer_pool_new (1, self->parallel + READ_AHEAD, _fm_upload_job_pool_released_cb, self, NULL);
}

void
fm_upload_job_set_chunk_size (FmUploadJob *self,
                              gint64       chunk_size)
{
  g_return_if_fail (FM_IS_UPLOAD_JOB (self));
  g_return_if_fail (self->ticket == NULL && self->pool == NULL);
  self->chunk_size = CLAMP (chunk_size, 1, FM_CHUNK_SIZE_MAX);
}

void
fm_upload_job_set_parallel (FmUploadJob *self,
                            guint        parallel)
{
  g_return_if_fail (FM_IS_UPLOAD_JOB (self));
  g_return_if_fail (self->pool == NULL);
  self->parallel = CLAMP (parallel, 1, 4);
}

void
fm_upload_job_set_retry_policy (FmUploadJob   *self,
                                FmRetryPolicy *policy)
{
  g_return_if_fail (FM_IS_UPLOAD_JOB (self));
  g_set_object (&self->retry, policy);
}

/* NULL: never consider the network down (a loopback server). */
void
fm_upload_job_set_network_monitor (FmUploadJob     *self,
                                   GNetworkMonitor *monitor)
{
  g_return_if_fail (FM_IS_UPLOAD_JOB (self));
  g_clear_signal_handler (&self->monitor_handler, self->monitor);
  g_set_object (&self->monitor, monitor);
  if (monitor != NULL)
    self->monitor_handler = g_signal_connect (monitor, "network-changed",
                                              G_CALLBACK (network_changed_cb), self);
}

void
fm_upload_job_start (FmUploadJob *self)
{
  g_return_if_fail (FM_IS_UPLOAD_JOB (self));
  if (self->state != FM_UPLOAD_STATE_QUEUED && self->state != FM_UPLOAD_STATE_PAUSED)
    return;
  if (!fm_upload_job_claim (self, NULL))
    return;
  if (self->slot_handler == 0)
    self->slot_handler = g_signal_connect_swapped (self->client, "upload-slot-freed",
                                                   G_CALLBACK (_fm_upload_job_slot_freed_cb), self);
  ensure_pool (self);
  if (self->files != NULL)
    _fm_upload_job_plan_files (self);
  run_phase (self);
}

void
fm_upload_job_pause (FmUploadJob *self)
{
  g_return_if_fail (FM_IS_UPLOAD_JOB (self));
  if (!fm_upload_state_is_active (self->state) && self->state != FM_UPLOAD_STATE_QUEUED)
    return;
  _fm_upload_job_stop_run (self);
  _fm_upload_job_set_state (self, FM_UPLOAD_STATE_PAUSED);
}

void
fm_upload_job_resume (FmUploadJob *self)
{
  /* whoever resumes it decided: it waits for nothing any more */
  fm_upload_job_set_held (self, FALSE);
  fm_upload_job_set_unconfirmed (self, FALSE);
  fm_upload_job_start (self);
}

/* A paused job that nobody started by hand waits for a connection that is
 * not metered; the row says so. Resuming it clears this. */
void
fm_upload_job_set_held (FmUploadJob *self,
                        gboolean     held)
{
  g_return_if_fail (FM_IS_UPLOAD_JOB (self));
  if (self->held == held)
    return;
  self->held = held;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HELD]);
}

gboolean
fm_upload_job_get_held (FmUploadJob *self)
{
  g_return_val_if_fail (FM_IS_UPLOAD_JOB (self), FALSE);
  return self->held;
}

void
fm_upload_job_set_unconfirmed (FmUploadJob *self,
                               gboolean     unconfirmed)
{
  g_return_if_fail (FM_IS_UPLOAD_JOB (self));
  if (self->unconfirmed == unconfirmed)
    return;
  self->unconfirmed = unconfirmed;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNCONFIRMED]);
}

gboolean
fm_upload_job_get_unconfirmed (FmUploadJob *self)
{
  g_return_val_if_fail (FM_IS_UPLOAD_JOB (self), FALSE);
  return self->unconfirmed;
}

static void
cancel_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  /* An unfinished transfer the server did not hear about expires anyway;
   * the caller decides whether to mention it. */
  if (!fm_client_transfer_cancel_finish (FM_CLIENT (source), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

/* Stops the job at once and tells the server (/api/transfer/cancel) when
 * a transfer exists there; completes when the server answered. */
void
fm_upload_job_cancel_async (FmUploadJob         *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, fm_upload_job_cancel_async);
  if (self->state == FM_UPLOAD_STATE_DONE || self->state == FM_UPLOAD_STATE_CANCELLED)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  _fm_upload_job_stop_run (self);
  _fm_upload_job_set_state (self, FM_UPLOAD_STATE_CANCELLED);
  if (self->ticket == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  fm_client_transfer_cancel_async (self->client, self->ticket->id, self->ticket->key, cancellable,
                                   cancel_done_cb, g_steal_pointer (&task));
}

gboolean
fm_upload_job_cancel_finish (FmUploadJob   *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
fm_upload_job_cancel (FmUploadJob *self)
{
  g_return_if_fail (FM_IS_UPLOAD_JOB (self));
  fm_upload_job_cancel_async (self, NULL, NULL, NULL);
}

void
fm_upload_job_retry (FmUploadJob *self)
{
  g_return_if_fail (FM_IS_UPLOAD_JOB (self));
  if (self->state != FM_UPLOAD_STATE_FAILED || !fm_upload_job_claim (self, NULL))
    return;
  g_clear_error (&self->error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
  self->api_retry = (FmRetryState) { 0 };
  self->state = FM_UPLOAD_STATE_PAUSED;
  fm_upload_job_start (self);
}

/* Starts the job if needed and completes when it is done (TRUE), failed
 * (its error), or paused or cancelled (G_IO_ERROR_CANCELLED). Cancelling
 * @cancellable pauses the job: the way a command line stops on Ctrl-C. */
void
fm_upload_job_run_async (FmUploadJob         *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);

  g_task_set_source_tag (task, fm_upload_job_run_async);
  if (cancellable != NULL)
    g_signal_connect_object (cancellable, "cancelled", G_CALLBACK (fm_upload_job_pause),
                             self, G_CONNECT_SWAPPED);
  g_ptr_array_add (self->run_tasks, g_steal_pointer (&task));
  fm_upload_job_start (self);
  complete_run_tasks (self);
}

gboolean
fm_upload_job_run_finish (FmUploadJob   *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

