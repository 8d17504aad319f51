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
#include "fm-upload-job.h"
#include "fm-upload-scan.h"

#define DEFAULT_PARALLEL   4
#define READ_AHEAD         1      /* reading + hashing 8 MiB takes ~15 ms, sending it ~30 ms */
#define MAX_READING        2      /* more hashing threads than cores only queue up */
#define TICK_MS            100     /* progress notifications: at most 10 per second */
#define CHUNK_ANSWER_MAX   (64 * 1024)
#define SPEED_ALPHA        0.15
#define SPEED_WARMUP_US    G_USEC_PER_SEC   /* no speed or ETA before a second of data */

struct _FmUploadJob
{
  GObject            parent_instance;

  char              *id;
  FmClient          *client;
  FmTransferOptions *options;
  GStrv              inputs;          /* paths still to scan, or NULL */
  GPtrArray         *files;           /* FmUploadFile, NULL until scanned */
  FmTransferTicket  *ticket;
  char              *download_url;
  GError            *error;
  FmUploadState      state;
  gint64             created;

  gint64             chunk_size;
  guint              parallel;
  FmRetryPolicy     *retry;
  GNetworkMonitor   *monitor;
  gulong             monitor_handler;
  FmBufferPool      *pool;

  /* the current run */
  guint              generation;
  GCancellable      *cancellable;
  guint              cursor_file;
  gint64             cursor_chunk;
  GQueue             ready;           /* Chunk: read and hashed, waiting to go */
  GQueue             retry_ready;     /* Chunk: backoff over, to be read again */
  GPtrArray         *waiting;         /* Chunk: in backoff */
  guint              n_reading;
  guint              n_sending;
  FmRetryState       api_retry;       /* initialize / complete */
  guint              api_timer;

  /* progress */
  gint64             bytes_total;
  gint64             bytes_acked;
  gint64             bytes_in_flight;
  gint64             chunks_total;
  gint64             chunks_acked;
  double             speed;
  gint64             sample_bytes;
  gint64             sample_time;
  gint64             run_start;
  gint64             shown_bytes;
  const char        *current_file;
  guint              tick_id;

  gulong             slot_handler;    /* the client's "upload-slot-freed" */
  guint              slot_idle;

  /* one process at a time: a lock on <lock_dir>/<id>.lock while this one owns it */
  char              *lock_dir;
  int                lock_fd;

  GPtrArray         *run_tasks;
};

typedef struct {
  FmUploadJob  *job;            /* strong: a chunk keeps its job alive */
  guint         generation;
  guint         file;
  gint64        index;
  gint64        offset;
  gint64        length;
  FmRetryState  retry;
  FmChunkData  *data;
  gint64        sent;
  guint         timer;
  char         *slot;           /* the upload host's slot this request holds */
} Chunk;

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
  N_PROPS
};

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void run_phase (FmUploadJob *self);
static void pump (FmUploadJob *self);

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

/* --------------------------------------------------------------- chunks */

static Chunk *
chunk_new (FmUploadJob *self,
           guint        file_index,
           gint64       index)
{
  FmUploadFile *file = g_ptr_array_index (self->files, file_index);
  Chunk *chunk = g_new0 (Chunk, 1);

  chunk->job = g_object_ref (self);
  chunk->generation = self->generation;
  chunk->file = file_index;
  chunk->index = index;
  fm_chunk_plan_range (file->size, self->chunk_size, index, &chunk->offset, &chunk->length);
  return chunk;
}

static void
chunk_free (Chunk *chunk)
{
  g_clear_handle_id (&chunk->timer, g_source_remove);
  fm_chunk_data_free (chunk->data);
  g_object_unref (chunk->job);
  g_free (chunk->slot);
  g_free (chunk);
}

static gboolean
chunk_is_stale (Chunk *chunk)
{
  return chunk->generation != chunk->job->generation;
}

static FmUploadFile *
chunk_file (Chunk *chunk)
{
  return g_ptr_array_index (chunk->job->files, chunk->file);
}

/* ------------------------------------------------------------- progress */

static gint64
bytes_sent (FmUploadJob *self)
{
  return MIN (self->bytes_acked + self->bytes_in_flight, self->bytes_total);
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
  gint64 sent = bytes_sent (self);
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
  self->sample_bytes = bytes_sent (self);
  self->tick_id = g_timeout_add (TICK_MS, tick_cb, self);
}

static void
stop_ticking (FmUploadJob *self)
{
  g_clear_handle_id (&self->tick_id, g_source_remove);
  self->speed = 0;
  self->shown_bytes = bytes_sent (self);
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

/* ---------------------------------------------------------- ownership */

static char *
lock_path (FmUploadJob *self)
{
  g_autofree char *name = g_strconcat (self->id, ".lock", NULL);

  return g_build_filename (self->lock_dir, name, NULL);
}

static void
release_claim (FmUploadJob *self,
               gboolean     remove)
{
  if (self->lock_fd < 0)
    return;
  if (remove)
    {
      g_autofree char *path = lock_path (self);
      g_unlink (path);
    }
  close (self->lock_fd);
  self->lock_fd = -1;
}

/* Two processes (the app and `filemail resume`, or two `resume`s) must not
 * run the same saved upload: both would send every chunk, and the loser's
 * complete would fail and leave a failed job behind. Whoever holds the
 * job's lock owns it until the job is done or the process ends (the kernel
 * drops a dead process's lock, so a crash never leaves a job stuck). */
gboolean
fm_upload_job_claim (FmUploadJob  *self,
                     GError      **error)
{
  g_autofree char *path = NULL;
  int fd;

  g_return_val_if_fail (FM_IS_UPLOAD_JOB (self), FALSE);
  if (self->lock_dir == NULL || self->lock_fd >= 0)
    return TRUE;
  g_mkdir_with_parents (self->lock_dir, 0700);
  path = lock_path (self);
  fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, FM_ERROR, FM_ERROR_FILE_UNREADABLE, "%s: %s", path, g_strerror (saved));
      return FALSE;
    }
  if (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      close (fd);
      g_set_error (error, FM_ERROR, FM_ERROR_BUSY,
                   _("Another Filemail program on this computer is sending this upload right now."));
      return FALSE;
    }
  self->lock_fd = fd;
  return TRUE;
}

/* Whether this process may write the job's state: it owns it, or no
 * lock directory is in use (no store). */
gboolean
fm_upload_job_holds_claim (FmUploadJob *self)
{
  return self->lock_dir == NULL || self->lock_fd >= 0;
}

void
fm_upload_job_set_lock_directory (FmUploadJob *self,
                                  const char  *directory)
{
  g_return_if_fail (self->lock_fd < 0);
  g_free (self->lock_dir);
  self->lock_dir = g_strdup (directory);
}

static void
emit_changed (FmUploadJob *self)
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

static void
set_state (FmUploadJob   *self,
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
  emit_changed (self);
  /* Saved (or removed) above; a finished job's lock goes with it. */
  if (state == FM_UPLOAD_STATE_DONE || state == FM_UPLOAD_STATE_CANCELLED)
    release_claim (self, TRUE);
  complete_run_tasks (self);
}

/* Ends the current run: nothing of it may touch the job after this. */
static void
stop_run (FmUploadJob *self)
{
  Chunk *chunk;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->generation++;
  while ((chunk = g_queue_pop_head (&self->ready)) != NULL)
    chunk_free (chunk);
  while ((chunk = g_queue_pop_head (&self->retry_ready)) != NULL)
    chunk_free (chunk);
  g_ptr_array_set_size (self->waiting, 0);
  g_clear_handle_id (&self->api_timer, g_source_remove);
  self->n_reading = 0;
  self->n_sending = 0;
  self->bytes_in_flight = 0;
  self->cursor_file = 0;
  self->cursor_chunk = 0;
}

static void
fail (FmUploadJob *self,
      GError      *error)
{
  g_debug ("job %s failed: %s", self->id, error->message);
  stop_run (self);
  g_clear_error (&self->error);
  self->error = error;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
  set_state (self, FM_UPLOAD_STATE_FAILED);
}

static gboolean
is_offline (FmUploadJob *self)
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
      stop_run (self);
      set_state (self, FM_UPLOAD_STATE_WAITING_FOR_NETWORK);
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
      if (is_offline (self))
        {
          g_error_free (error);
          stop_run (self);
          return set_state (self, FM_UPLOAD_STATE_WAITING_FOR_NETWORK);
        }
      if (fm_retry_policy_record_failure (self->retry, &self->api_retry))
        {
          g_debug ("job %s: %s; again in %u ms", self->id, error->message,
                   fm_retry_policy_wait_ms (self->retry, &self->api_retry));
          self->api_timer = g_timeout_add (fm_retry_policy_wait_ms (self->retry, &self->api_retry),
                                           api_retry_cb, self);
          g_error_free (error);
          return;
        }
    }
  fail (self, error);
}

/* ----------------------------------------------------------------- scan */

static void
plan_files (FmUploadJob *self)
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
    return fail (self, g_steal_pointer (&error));
  self->files = g_steal_pointer (&files);
  g_clear_pointer (&self->inputs, g_strfreev);
  plan_files (self);
  emit_changed (self);
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
    return g_error_free (error);
  if (ticket == NULL)
    return api_failed (self, error);
  upgraded = fm_client_upgrade_url (ticket->url);
  if (!fm_client_check_url (upgraded, &error))
    return fail (self, error);
  g_free (ticket->url);
  ticket->url = g_steal_pointer (&upgraded);
  self->ticket = g_steal_pointer (&ticket);
  self->api_retry = (FmRetryState) { 0 };
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TRANSFER_ID]);
  emit_changed (self);   /* the ticket must be on disk before any chunk goes */
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
  self->download_url = g_strdup (url != NULL ? url : "");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOWNLOAD_URL]);
  set_state (self, FM_UPLOAD_STATE_DONE);
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
    return g_error_free (complete_error);
  if (transfer != NULL && g_strcmp0 (fm_transfer_get_status (transfer), "STATUS_COMPLETE") == 0)
    {
      g_debug ("job %s: complete's answer was lost; the transfer is complete", self->id);
      g_error_free (complete_error);
      return finish_done (self, fm_transfer_get_url (transfer));
    }
  if (error != NULL && fm_retry_policy_classify (0, error) == FM_RETRY_TRANSIENT)
    {
      g_error_free (complete_error);
      return api_failed (self, g_steal_pointer (&error));
    }
  fail (self, complete_error);
}

/* 3100 InvalidTransferState from complete: most often an earlier complete
 * did reach the server and only its answer was lost (the connection
 * dropped, the process was killed). transfer/get tells: complete means
 * done, with the link; anything else is the server's refusal. */
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
    return g_error_free (error);
  if (g_error_matches (error, FM_ERROR, FM_ERROR_INVALID_TRANSFER_STATE))
    return check_completed (self, error);
  if (url == NULL)
    return api_failed (self, error);
  finish_done (self, url);
}

static void
complete (FmUploadJob *self)
{
  set_state (self, FM_UPLOAD_STATE_COMPLETING);
  fm_client_transfer_complete_async (self->client, self->ticket->id, self->ticket->key,
                                     self->cancellable, complete_done_cb, g_object_ref (self));
}

/* Decides what the job does next from what it has: files, a ticket,
 * acknowledged chunks. A resumed job enters here too. */
static void
run_phase (FmUploadJob *self)
{
  if (is_offline (self))
    return set_state (self, FM_UPLOAD_STATE_WAITING_FOR_NETWORK);
  if (self->files == NULL)
    {
      set_state (self, FM_UPLOAD_STATE_INITIALIZING);
      fm_upload_scan_async ((const char * const *) self->inputs, self->cancellable,
                            scan_done_cb, g_object_ref (self));
    }
  else if (self->ticket == NULL)
    {
      set_state (self, FM_UPLOAD_STATE_INITIALIZING);
      initialize (self);
    }
  else if (self->chunks_acked < self->chunks_total)
    {
      set_state (self, FM_UPLOAD_STATE_UPLOADING);
      pump (self);
    }
  else
    complete (self);
}

/* --------------------------------------------------------------- upload */

static Chunk *
next_chunk (FmUploadJob *self)
{
  Chunk *chunk = g_queue_pop_head (&self->retry_ready);

  if (chunk != NULL)
    return chunk;
  while (self->cursor_file < self->files->len)
    {
      FmUploadFile *file = g_ptr_array_index (self->files, self->cursor_file);

      while (self->cursor_chunk < fm_chunk_set_get_size (file->acked))
        {
          gint64 index = self->cursor_chunk++;

          if (!fm_chunk_set_contains (file->acked, index))
            return chunk_new (self, self->cursor_file, index);
        }
      self->cursor_file++;
      self->cursor_chunk = 0;
    }
  return NULL;
}

static gboolean
backoff_over_cb (gpointer data)
{
  Chunk *chunk = data;
  FmUploadJob *self = chunk->job;

  guint index;

  chunk->timer = 0;
  if (g_ptr_array_find (self->waiting, chunk, &index))
    g_ptr_array_steal_index_fast (self->waiting, index);
  g_queue_push_tail (&self->retry_ready, chunk);
  pump (self);
  return G_SOURCE_REMOVE;
}

static gboolean
chunk_failure_is_retried (FmUploadJob *self,
                          Chunk       *chunk,
                          GError      *error)
{
  FmUploadFile *file = chunk_file (chunk);

  if (is_offline (self))
    {
      /* Not the request's fault: no attempt spent. */
      g_queue_push_head (&self->retry_ready, chunk);
      stop_run (self);
      set_state (self, FM_UPLOAD_STATE_WAITING_FOR_NETWORK);
      return TRUE;
    }
  if (!fm_retry_policy_record_failure (self->retry, &chunk->retry))
    {
      fail (self, g_error_new (FM_ERROR, FM_ERROR_UPLOAD_FAILED,
                               _("Part %lld of “%s” failed %u times; the last error was: %s"),
                               (long long) (chunk->index + 1), file->name, chunk->retry.attempts, error->message));
      chunk_free (chunk);
      return FALSE;
    }
  g_debug ("job %s: chunk %" G_GINT64_FORMAT " of %s: %s; attempt %u in %u ms", self->id,
           chunk->index, file->name, error->message, chunk->retry.attempts + 1,
           fm_retry_policy_wait_ms (self->retry, &chunk->retry));
  chunk->timer = g_timeout_add (fm_retry_policy_wait_ms (self->retry, &chunk->retry),
                                backoff_over_cb, chunk);
  g_ptr_array_add (self->waiting, chunk);
  return TRUE;
}

static void
read_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Chunk *chunk = user_data;
  FmUploadJob *self = chunk->job;
  g_autoptr(GError) error = NULL;
  FmChunkData *data = fm_chunk_read_finish (result, &error);

  if (chunk_is_stale (chunk))
    {
      fm_chunk_data_free (data);
      return chunk_free (chunk);
    }
  self->n_reading--;
  if (data == NULL)
    {
      chunk_free (chunk);
      return fail (self, g_steal_pointer (&error));
    }
  chunk->data = data;
  g_queue_push_tail (&self->ready, chunk);
  pump (self);
}

static void
read_chunk (FmUploadJob *self,
            Chunk       *chunk)
{
  FmUploadFile *file = chunk_file (chunk);

  self->n_reading++;
  fm_chunk_read_async (self->pool, file->path, chunk->offset, chunk->length, file->size,
                       file->mtime_us, self->cancellable, read_done_cb, chunk);
}

static char *
upload_uri (FmUploadJob *self,
            Chunk       *chunk)
{
  FmUploadFile *file = chunk_file (chunk);
  GString *uri = g_string_new (self->ticket->url);
  g_autofree char *chunk_size = g_strdup_printf ("%" G_GINT64_FORMAT, self->chunk_size);
  g_autofree char *chunks = g_strdup_printf ("%" G_GINT64_FORMAT, fm_chunk_set_get_size (file->acked));
  g_autofree char *index = g_strdup_printf ("%" G_GINT64_FORMAT, chunk->index);
  g_autofree char *retry = g_strdup_printf ("%u", chunk->retry.attempts);
  const char *params[] = {
    "transferid", self->ticket->id, "transferkey", self->ticket->key, "thefilename", file->name,
    "chunksize", chunk_size, "chunks", chunks, "chunk", index, "md5", chunk->data->md5,
    "retry", retry, NULL
  };

  /* "Specify upload parameters in the request URL as query string ... POST
   * body is reserved for file contents." The transferurl may have a query
   * of its own already. */
  for (guint i = 0; params[i] != NULL; i += 2)
    {
      g_string_append_c (uri, i == 0 && strchr (self->ticket->url, '?') == NULL ? '?' : '&');
      g_string_append_uri_escaped (uri, params[i], NULL, FALSE);
      g_string_append_c (uri, '=');
      g_string_append_uri_escaped (uri, params[i + 1], NULL, FALSE);
    }
  return g_string_free (uri, FALSE);
}

static void
wrote_body_data_cb (SoupMessage *msg,
                    guint        n_bytes,
                    Chunk       *chunk)
{
  if (chunk_is_stale (chunk))
    return;
  chunk->sent += n_bytes;
  chunk->job->bytes_in_flight += n_bytes;
}

/* HTTP 200 with an empty body is the reference's success; a JSON error
 * body (a transfer that expired, a wrong key) is the server refusing. */
static GError *
upload_response_error (SoupMessage *msg,
                       GBytes      *body)
{
  guint status = soup_message_get_status (msg);
  g_autoptr(JsonObject) root = NULL;
  GError *error = NULL;

  if (status != SOUP_STATUS_OK)
    return g_error_new (FM_ERROR, FM_ERROR_HTTP_STATUS, "%s (HTTP %u %s)",
                        fm_error_get_message (FM_ERROR_HTTP_STATUS), status,
                        soup_message_get_reason_phrase (msg) ? soup_message_get_reason_phrase (msg) : "");
  if (g_bytes_get_size (body) == 0)
    return NULL;
  root = fm_response_parse (body, &error);
  return error;
}

static void
acknowledge (FmUploadJob *self,
             Chunk       *chunk)
{
  fm_chunk_set_add (chunk_file (chunk)->acked, chunk->index);
  self->bytes_in_flight -= chunk->sent;
  self->bytes_acked += chunk->length;
  self->chunks_acked++;
  emit_changed (self);
}

static void
send_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Chunk *chunk = user_data;
  FmUploadJob *self = chunk->job;
  SoupMessage *msg = fm_http_get_message (result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = fm_http_send_and_read_finish (result, &error);
  guint status = soup_message_get_status (msg);

  g_signal_handlers_disconnect_by_func (msg, wrote_body_data_cb, chunk);
  fm_client_release_upload_slot (self->client, chunk->slot);
  g_clear_pointer (&chunk->slot, g_free);
  if (chunk_is_stale (chunk))
    return chunk_free (chunk);
  self->n_sending--;
  if (body != NULL)
    error = upload_response_error (msg, body);
  if (error == NULL)
    {
      acknowledge (self, chunk);
      chunk_free (chunk);
      return pump (self);
    }
  self->bytes_in_flight -= chunk->sent;
  chunk->sent = 0;
  /* An HTTP status decides by itself (406, 449, 5xx: again); otherwise the
   * error does (the network: again; the server's JSON refusal: stop). */
  if ((body != NULL && status != SOUP_STATUS_OK
       ? fm_retry_policy_classify (status, NULL)
       : fm_retry_policy_classify (0, error)) == FM_RETRY_PERMANENT)
    {
      chunk_free (chunk);
      return fail (self, g_steal_pointer (&error));
    }
  if (chunk_failure_is_retried (self, chunk, error))
    pump (self);
}

static void
send_chunk (FmUploadJob *self,
            Chunk       *chunk)
{
  g_autofree char *uri = upload_uri (self, chunk);
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_POST, uri);
  FmChunkData *data = g_steal_pointer (&chunk->data);

  /* The message now holds the only reference to the buffer: it goes back
   * to the pool when libsoup is done with the request. */
  soup_message_set_request_body_from_bytes (msg, "application/octet-stream", data->bytes);
  fm_chunk_data_free (data);
  g_signal_connect (msg, "wrote-body-data", G_CALLBACK (wrote_body_data_cb), chunk);
  self->current_file = chunk_file (chunk)->name;
  self->n_sending++;
  chunk->slot = g_strdup (self->ticket->url);
  /* The reference's answer is an empty body; an error is a small JSON
   * object. No deadline: a 50 MB chunk on a slow uplink takes minutes, and
   * the session's idle timeout catches a silent server. */
  fm_http_send_and_read_async (fm_client_get_session (self->client), msg, CHUNK_ANSWER_MAX, 0,
                               self->cancellable, send_done_cb, chunk);
}

/* Keeps `parallel` chunks on the wire and the pool's other buffers filled
 * with the next chunks, read and hashed ahead. */
static void
pump (FmUploadJob *self)
{
  Chunk *chunk;

  if (self->state != FM_UPLOAD_STATE_UPLOADING)
    return;
  /* at most `parallel` of this job, and at most 4 to the upload host
   * across every job of this client */
  while (self->n_sending < self->parallel && !g_queue_is_empty (&self->ready) &&
         fm_client_take_upload_slot (self->client, self->ticket->url))
    {
      chunk = g_queue_pop_head (&self->ready);
      send_chunk (self, chunk);
    }
  while (self->n_reading < MAX_READING && fm_buffer_pool_can_acquire (self->pool) &&
         (chunk = next_chunk (self)) != NULL)
    read_chunk (self, chunk);
  if (self->chunks_acked == self->chunks_total && self->n_sending == 0 && self->n_reading == 0 &&
      self->waiting->len == 0)
    complete (self);
}

/* Another request to an upload host ended (this job's or another's): a
 * chunk waiting for a slot may go. From an idle: never inside the
 * callback that released it. */
static gboolean
slot_idle_cb (gpointer data)
{
  FmUploadJob *self = data;

  self->slot_idle = 0;
  pump (self);
  return G_SOURCE_REMOVE;
}

static void
slot_freed_cb (FmUploadJob *self)
{
  if (self->state == FM_UPLOAD_STATE_UPLOADING && !g_queue_is_empty (&self->ready) && self->slot_idle == 0)
    self->slot_idle = g_idle_add (slot_idle_cb, self);
}

static gboolean
pool_released_cb (gpointer data)
{
  pump (data);
  return G_SOURCE_REMOVE;
}

/* -------------------------------------------------------------- GObject */

static void
fm_upload_job_dispose (GObject *object)
{
  FmUploadJob *self = FM_UPLOAD_JOB (object);

  if (self->cancellable != NULL)
    stop_run (self);
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

  release_claim (self, FALSE);
  g_free (self->lock_dir);
  g_free (self->id);
  g_clear_object (&self->client);
  fm_transfer_options_free (self->options);
  g_strfreev (self->inputs);
  g_clear_pointer (&self->files, g_ptr_array_unref);
  fm_transfer_ticket_free (self->ticket);
  g_free (self->download_url);
  g_clear_error (&self->error);
  g_clear_object (&self->retry);
  g_clear_pointer (&self->pool, fm_buffer_pool_unref);
  g_clear_object (&self->cancellable);
  g_ptr_array_unref (self->waiting);
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
    case PROP_BYTES_SENT: g_value_set_int64 (value, bytes_sent (self)); break;
    case PROP_FRACTION: g_value_set_double (value, fm_upload_job_get_fraction (self)); break;
    case PROP_SPEED: g_value_set_double (value, self->speed); break;
    case PROP_ETA: g_value_set_int64 (value, fm_upload_job_get_eta (self)); break;
    case PROP_CURRENT_FILE: g_value_set_string (value, self->current_file); break;
    case PROP_N_FILES: g_value_set_uint (value, fm_upload_job_get_n_files (self)); break;
    case PROP_ERROR: g_value_set_boxed (value, self->error); break;
    case PROP_TRANSFER_ID: g_value_set_string (value, fm_upload_job_get_transfer_id (self)); break;
    case PROP_DOWNLOAD_URL: g_value_set_string (value, self->download_url); break;
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
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Something worth saving happened: a chunk was acknowledged, the state
   * or the ticket changed. */
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
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
  self->waiting = g_ptr_array_new_with_free_func ((GDestroyNotify) chunk_free);
  self->run_tasks = g_ptr_array_new_with_free_func (g_object_unref);
  g_queue_init (&self->ready);
  g_queue_init (&self->retry_ready);
}

FmUploadJob *
fm_upload_job_new (FmClient                *client,
                   const FmTransferOptions *options,
                   const char * const      *paths)
{
  FmUploadJob *self = g_object_new (FM_TYPE_UPLOAD_JOB, NULL);

  self->client = g_object_ref (client);
  self->options = fm_transfer_options_copy (options);
  self->inputs = g_strdupv ((char **) paths);
  return self;
}

/* ------------------------------------------------------------ controls */

static void
ensure_pool (FmUploadJob *self)
{
  if (self->pool != NULL)
    return;
  self->pool = fm_buffer_pool_new ((gsize) self->chunk_size, self->parallel + READ_AHEAD,
                                   pool_released_cb, self, NULL);
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
                                                   G_CALLBACK (slot_freed_cb), self);
  ensure_pool (self);
  if (self->files != NULL)
    plan_files (self);
  run_phase (self);
}

void
fm_upload_job_pause (FmUploadJob *self)
{
  g_return_if_fail (FM_IS_UPLOAD_JOB (self));
  if (!fm_upload_state_is_active (self->state) && self->state != FM_UPLOAD_STATE_QUEUED)
    return;
  stop_run (self);
  set_state (self, FM_UPLOAD_STATE_PAUSED);
}

void
fm_upload_job_resume (FmUploadJob *self)
{
  fm_upload_job_start (self);
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
    return g_task_return_error (task, error);
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
    return g_task_return_boolean (task, TRUE);
  stop_run (self);
  set_state (self, FM_UPLOAD_STATE_CANCELLED);
  if (self->ticket == NULL)
    return g_task_return_boolean (task, TRUE);
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
  return bytes_sent (self);
}

double
fm_upload_job_get_fraction (FmUploadJob *self)
{
  if (self->state == FM_UPLOAD_STATE_DONE)
    return 1.0;
  if (self->bytes_total <= 0)
    return 0.0;
  return CLAMP ((double) bytes_sent (self) / (double) self->bytes_total, 0.0, 1.0);
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
  return (gint64) ((double) (self->bytes_total - bytes_sent (self)) / self->speed + 0.5);
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

const char *
fm_upload_job_get_download_url (FmUploadJob *self)
{
  return self->download_url;
}

/* Seconds until the soonest chunk waiting out a backoff tries again. */
guint
fm_upload_job_get_retry_wait (FmUploadJob *self)
{
  guint best = 0;

  for (guint i = 0; i < self->waiting->len; i++)
    {
      Chunk *chunk = self->waiting->pdata[i];
      guint ms = fm_retry_policy_wait_ms (self->retry, &chunk->retry);

      if (i == 0 || ms < best)
        best = ms;
    }
  if (self->api_timer != 0)
    best = fm_retry_policy_wait_ms (self->retry, &self->api_retry);
  return (best + 999) / 1000;
}

/* ---------------------------------------------------------------- JSON */

static void
set_string (JsonObject *object,
            const char *name,
            const char *value)
{
  if (value != NULL)
    json_object_set_string_member (object, name, value);
}

static JsonObject *
options_to_json (const FmTransferOptions *o,
                 gboolean                 with_password)
{
  JsonObject *object = json_object_new ();

  set_string (object, "to", o->to);
  set_string (object, "from", o->from);
  set_string (object, "subject", o->subject);
  set_string (object, "message", o->message);
  /* The password is needed by initialize alone (and, in this process, to
   * ask transfer/get after a lost complete): once the transfer exists the
   * saved job carries none, so it lies on disk at most until the first
   * request succeeds. */
  if (with_password)
    set_string (object, "password", o->password);
  json_object_set_int_member (object, "days", o->days);
  json_object_set_boolean_member (object, "notify", o->notify);
  json_object_set_boolean_member (object, "confirmation", o->confirmation);
  return object;
}

static JsonObject *
file_to_json (FmUploadFile *file)
{
  JsonObject *object = json_object_new ();
  g_autofree char *uri = g_filename_to_uri (file->path, NULL, NULL);
  g_autofree char *acked = file->acked ? fm_chunk_set_to_string (file->acked) : NULL;

  /* A URI keeps any byte of a non-UTF-8 path intact inside JSON. */
  set_string (object, "uri", uri);
  set_string (object, "name", file->name);
  json_object_set_int_member (object, "size", file->size);
  json_object_set_int_member (object, "mtime", file->mtime_us);
  set_string (object, "acked", acked);
  return object;
}

/* Everything a later process needs to resume: the ticket (with the
 * transfer key, a secret: the store writes this with mode 0600), the files
 * as they were when queued, and which chunks the server has. */
JsonObject *
fm_upload_job_to_json (FmUploadJob *self)
{
  JsonObject *object = json_object_new ();

  json_object_set_int_member (object, "version", FM_UPLOAD_JOB_FORMAT_VERSION);
  set_string (object, "id", self->id);
  set_string (object, "state", fm_upload_state_to_string (self->state));
  json_object_set_int_member (object, "created", self->created);
  json_object_set_int_member (object, "chunksize", self->chunk_size);
  json_object_set_int_member (object, "parallel", self->parallel);
  json_object_set_object_member (object, "options", options_to_json (self->options, self->ticket == NULL));
  if (self->ticket != NULL)
    {
      set_string (object, "transferid", self->ticket->id);
      set_string (object, "transferkey", self->ticket->key);
      set_string (object, "transferurl", self->ticket->url);
    }
  set_string (object, "downloadurl", self->download_url);
  if (self->error != NULL)
    set_string (object, "error", self->error->message);
  if (self->inputs != NULL)
    {
      JsonArray *inputs = json_array_new ();

      for (guint i = 0; self->inputs[i] != NULL; i++)
        {
          g_autofree char *uri = g_filename_to_uri (self->inputs[i], NULL, NULL);
          json_array_add_string_element (inputs, uri);
        }
      json_object_set_array_member (object, "inputs", inputs);
    }
  if (self->files != NULL)
    {
      JsonArray *files = json_array_new ();

      for (guint i = 0; i < self->files->len; i++)
        json_array_add_object_element (files, file_to_json (self->files->pdata[i]));
      json_object_set_array_member (object, "files", files);
    }
  return object;
}

static FmTransferOptions *
options_from_json (JsonObject *object)
{
  FmTransferOptions *o = fm_transfer_options_new ();
  gint64 days = 0;

  o->to = g_strdup (fm_json_get_string (object, "to"));
  o->from = g_strdup (fm_json_get_string (object, "from"));
  o->subject = g_strdup (fm_json_get_string (object, "subject"));
  o->message = g_strdup (fm_json_get_string (object, "message"));
  o->password = g_strdup (fm_json_get_string (object, "password"));
  if (fm_json_get_int64 (object, "days", &days))
    o->days = (int) CLAMP (days, 0, 3650);
  o->notify = fm_json_get_boolean (object, "notify", FALSE);
  o->confirmation = fm_json_get_boolean (object, "confirmation", FALSE);
  return o;
}

static char *
path_from_uri (const char *uri)
{
  return uri != NULL ? g_filename_from_uri (uri, NULL, NULL) : NULL;
}

static FmUploadFile *
file_from_json (JsonObject *object,
                gint64      chunk_size)
{
  g_autofree char *path = path_from_uri (fm_json_get_string (object, "uri"));
  const char *name = fm_json_get_string (object, "name");
  gint64 size = -1, mtime = 0;
  g_autoptr(FmUploadFile) file = NULL;

  if (path == NULL || name == NULL || *name == '\0' || strlen (name) > 4096 ||
      !fm_json_get_int64 (object, "size", &size) || size < 0 || size > FM_FILE_SIZE_MAX ||
      fm_chunk_plan_count (size, chunk_size) > FM_CHUNK_COUNT_MAX ||
      !fm_json_get_int64 (object, "mtime", &mtime))
    return NULL;
  file = fm_upload_file_new (path, name, size, mtime);
  file->acked = fm_chunk_set_new_parse (fm_chunk_plan_count (size, chunk_size),
                                        fm_json_get_string (object, "acked"));
  return file->acked != NULL ? g_steal_pointer (&file) : NULL;
}

static gboolean
files_from_json (FmUploadJob *self,
                 JsonObject  *object)
{
  JsonArray *files = fm_json_get_array (object, "files");
  JsonArray *inputs = fm_json_get_array (object, "inputs");

  if (files != NULL)
    {
      self->files = g_ptr_array_new_with_free_func ((GDestroyNotify) fm_upload_file_free);
      for (guint i = 0; i < json_array_get_length (files); i++)
        {
          JsonNode *node = json_array_get_element (files, i);
          FmUploadFile *file = JSON_NODE_HOLDS_OBJECT (node)
                               ? file_from_json (json_node_get_object (node), self->chunk_size) : NULL;
          if (file == NULL)
            return FALSE;
          g_ptr_array_add (self->files, file);
        }
      return self->files->len > 0;
    }
  if (inputs == NULL)
    return FALSE;
  self->inputs = g_new0 (char *, json_array_get_length (inputs) + 1);
  for (guint i = 0; i < json_array_get_length (inputs); i++)
    {
      JsonNode *node = json_array_get_element (inputs, i);

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        return FALSE;
      self->inputs[i] = path_from_uri (json_node_get_string (node));
      if (self->inputs[i] == NULL)
        return FALSE;
    }
  return TRUE;
}

static gpointer
damaged (GError **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("A saved upload is damaged and cannot be resumed."));
  return NULL;
}

static gboolean
ticket_field_is_valid (const char *value)
{
  return value != NULL && *value != '\0' && strlen (value) <= 2048;
}

static FmUploadState
state_from_string (const char *nick)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (FM_TYPE_UPLOAD_STATE);
  GEnumValue *value = nick != NULL ? g_enum_get_value_by_nick (klass, nick) : NULL;

  return value != NULL ? (FmUploadState) value->value : FM_UPLOAD_STATE_PAUSED;
}

/* A job read back from disk is paused, or failed/done/cancelled as it was:
 * the owner decides whether to resume it. Every field is checked, as the
 * file may have been damaged or written by someone else: a bad one makes
 * the whole job G_IO_ERROR_INVALID_DATA (the queue sets it aside), a newer
 * format G_IO_ERROR_NOT_SUPPORTED (left in place for the newer program). */
FmUploadJob *
fm_upload_job_new_from_json (FmClient    *client,
                             JsonObject  *object,
                             GError     **error)
{
  g_autoptr(FmUploadJob) self = g_object_new (FM_TYPE_UPLOAD_JOB, NULL);
  const char *id = fm_json_get_string (object, "id");
  const char *tid = fm_json_get_string (object, "transferid");
  const char *key = fm_json_get_string (object, "transferkey");
  const char *url = fm_json_get_string (object, "transferurl");
  const char *message = fm_json_get_string (object, "error");
  JsonObject *options = fm_json_get_object (object, "options");
  gint64 chunk_size = 0, parallel = DEFAULT_PARALLEL, version = 0;
  g_autofree char *upgraded = NULL;

  if (fm_json_get_int64 (object, "version", &version) && version > FM_UPLOAD_JOB_FORMAT_VERSION)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("A saved upload was written by a newer version of Filemail; update to resume it."));
      return NULL;
    }
  if (id == NULL || strlen (id) > 64 || options == NULL || version < 0 ||
      !fm_json_get_int64 (object, "chunksize", &chunk_size) ||
      chunk_size <= 0 || chunk_size > FM_CHUNK_SIZE_MAX)
    return damaged (error);
  if ((tid != NULL || key != NULL || url != NULL) &&
      (!ticket_field_is_valid (tid) || !ticket_field_is_valid (key) || !ticket_field_is_valid (url)))
    return damaged (error);
  /* The address is checked again as if initialize had just answered it:
   * the file may come from an older version or from someone else. */
  upgraded = url != NULL ? fm_client_upgrade_url (url) : NULL;
  if (upgraded != NULL && !fm_client_check_url (upgraded, NULL))
    return damaged (error);
  g_free (self->id);
  self->id = g_strdup (id);
  self->client = g_object_ref (client);
  self->chunk_size = chunk_size;
  fm_json_get_int64 (object, "parallel", &parallel);
  self->parallel = (guint) CLAMP (parallel, 1, 4);
  fm_json_get_int64 (object, "created", &self->created);
  self->options = options_from_json (options);
  if (!files_from_json (self, object))
    return damaged (error);
  if (upgraded != NULL)
    self->ticket = fm_transfer_ticket_new (tid, key, upgraded);
  self->download_url = g_strdup (fm_json_get_string (object, "downloadurl"));
  self->state = state_from_string (fm_json_get_string (object, "state"));
  if (fm_upload_state_is_active (self->state) || self->state == FM_UPLOAD_STATE_QUEUED)
    self->state = FM_UPLOAD_STATE_PAUSED;
  if (self->state == FM_UPLOAD_STATE_FAILED)
    self->error = g_error_new_literal (FM_ERROR, FM_ERROR_UPLOAD_FAILED,
                                       message ? message : _("The upload failed."));
  if (self->files != NULL)
    plan_files (self);
  return g_steal_pointer (&self);
}
