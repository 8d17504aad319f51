/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-download-job.c: one file coming down: its requests, retries,
 * pacing and progress. Where it is written: fm-download-part.c; the other
 * ranges of a big file: fm-download-ranges.c; an answer that is not the
 * file: fm-download-answer.c. */
#define G_LOG_DOMAIN "fm-download-job"

#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gunixoutputstream.h>
#include <glib/gi18n-lib.h>

#include "fm-client.h"
#include "fm-download-job-private.h"
#include "fm-download-answer.h"
#include "fm-download-names.h"
#include "fm-download-part.h"
#include "fm-download-ranges.h"
#include "fm-disk-space.h"
#include "fm-error.h"
#include "fm-format.h"
#include "fm-http.h"

#define READ_SIZE     (1 << 20)
#define TICK_MS       100
#define MAX_REDIRECTS 5


G_DEFINE_FINAL_TYPE (FmDownloadJob, fm_download_job, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (FmDownloadState, fm_download_state,
  G_DEFINE_ENUM_VALUE (FM_DOWNLOAD_STATE_IDLE, "idle"),
  G_DEFINE_ENUM_VALUE (FM_DOWNLOAD_STATE_RUNNING, "running"),
  G_DEFINE_ENUM_VALUE (FM_DOWNLOAD_STATE_DONE, "done"),
  G_DEFINE_ENUM_VALUE (FM_DOWNLOAD_STATE_FAILED, "failed"),
  G_DEFINE_ENUM_VALUE (FM_DOWNLOAD_STATE_STOPPED, "stopped"))

enum {
  PROP_0,
  PROP_BYTES_TOTAL,
  PROP_BYTES_RECEIVED,
  PROP_FRACTION,
  PROP_SPEED,
  PROP_PATH,
  PROP_STATE,
  PROP_FILE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void start_request (FmDownloadJob *self);

/* Made when first needed: its random seed costs a read of /dev/urandom,
 * too much for each of 10,000 small files that never fail. */
static FmRetryPolicy *
retry_policy (FmDownloadJob *self)
{
  if (self->retry == NULL)
    self->retry = fm_retry_policy_new ();
  return self->retry;
}

gboolean
_fm_download_job_is_ranged (FmDownloadJob *self)
{
  return self->ranges != NULL && fm_download_ranges_get_count (self->ranges) >= 2;
}

/* Bytes in the .part: this job's stream and, when ranged, the others'. */
gint64
_fm_download_job_total_received (FmDownloadJob *self)
{
  if (!_fm_download_job_is_ranged (self))
    return self->received;
  fm_download_ranges_set_first_pos (self->ranges, self->received);
  return fm_download_ranges_received (self->ranges);
}

static gboolean
tick_cb (gpointer data)
{
  FmDownloadJob *self = data;
  gint64 now = g_get_monotonic_time ();
  double dt = (double) (now - self->sample_time) / G_USEC_PER_SEC;

  gint64 received = _fm_download_job_total_received (self);

  if (dt > 0 && now - self->run_start >= G_USEC_PER_SEC)   /* warm-up: no speed yet */
    {
      double instant = (double) MAX (0, received - self->sample_bytes) / dt;
      self->speed = self->speed <= 0 ? instant : 0.85 * self->speed + 0.15 * instant;
    }
  self->sample_time = now;
  self->sample_bytes = received;
  /* where each range is, a few times a second (after its bytes) */
  if (_fm_download_job_is_ranged (self) && fm_download_ranges_is_started (self->ranges) && ++self->ticks % 3 == 0)
    fm_download_ranges_save (self->ranges);
  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYTES_RECEIVED]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPEED]);
  g_object_thaw_notify (G_OBJECT (self));
  return G_SOURCE_CONTINUE;
}

/* ---------------------------------------------------------------- run */

static void
close_streams (FmDownloadJob *self)
{
  if (self->input != NULL)
    g_input_stream_close_async (self->input, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
  g_clear_object (&self->input);
  g_clear_pointer (&self->block, g_bytes_unref);
}

static void
discard_part (FmDownloadJob *self)
{
  if (self->ranges != NULL)
    fm_download_ranges_forget (self->ranges);
  g_clear_pointer (&self->ranges, fm_download_ranges_free);
  fm_download_part_discard (&self->part);
}

/* The other ranges stop; where they are is kept for the next run. */
static void
end_ranges (FmDownloadJob *self)
{
  if (self->ranges == NULL)
    return;
  fm_download_ranges_stop (self->ranges);
  if (_fm_download_job_is_ranged (self))
    {
      fm_download_ranges_set_first_pos (self->ranges, self->received);
      fm_download_ranges_save (self->ranges);
      self->received = _fm_download_job_total_received (self);   /* what progress shows until the next run */
    }
  g_clear_pointer (&self->ranges, fm_download_ranges_free);
}

static void
set_state (FmDownloadJob   *self,
           FmDownloadState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
finish_run (FmDownloadJob *self,
            GError        *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  /* stopped because another range failed: that range's reason */
  if (self->range_error != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_error_free (error);
      error = g_steal_pointer (&self->range_error);
    }
  g_clear_error (&self->range_error);
  g_clear_handle_id (&self->finish_id, g_source_remove);
  close_streams (self);
  end_ranges (self);
  fm_download_part_close (&self->part);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_clear_handle_id (&self->pace_id, g_source_remove);
  if (self->cancel_id != 0)
    g_cancellable_disconnect (self->cancellable, self->cancel_id);
  self->cancel_id = 0;
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  tick_cb (self);
  g_clear_error (&self->error);
  if (error != NULL)
    self->error = g_error_copy (error);
  set_state (self, error == NULL ? FM_DOWNLOAD_STATE_DONE
                   : g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ? FM_DOWNLOAD_STATE_STOPPED
                   : FM_DOWNLOAD_STATE_FAILED);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* A failure that leaves nothing worth resuming: the .part goes too. */
static void
finish_discarding (FmDownloadJob *self,
                   GError        *error)
{
  discard_part (self);
  finish_run (self, error);
}

static gboolean
retry_cb (gpointer data)
{
  FmDownloadJob *self = data;

  self->retry_id = 0;
  start_request (self);
  return G_SOURCE_REMOVE;
}

/* Stop during a retry wait stops now, not when the wait is over. */
static void read_next (FmDownloadJob *self);

static gboolean
pace_cb (gpointer data)
{
  FmDownloadJob *self = data;

  self->pace_id = 0;
  read_next (self);
  return G_SOURCE_REMOVE;
}

static gboolean
finish_stopped_cb (gpointer data)
{
  FmDownloadJob *self = data;

  self->finish_id = 0;
  finish_run (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Stopped")));
  return G_SOURCE_REMOVE;
}

static void
cancelled_cb (GCancellable  *cancellable,
              FmDownloadJob *self)
{
  /* nothing of this job's own is under way: it ends here */
  if (self->first_done && self->finish_id == 0)
    self->finish_id = g_idle_add (finish_stopped_cb, self);
  /* the next read sees the cancel at once */
  if (self->pace_id != 0)
    {
      g_source_remove (self->pace_id);
      self->pace_id = g_idle_add (pace_cb, self);
    }
  if (self->retry_id == 0)
    return;
  g_source_remove (self->retry_id);
  self->retry_id = g_idle_add (retry_cb, self);
}

/* A dropped connection resumes where the .part file ends. */
static void
transfer_failed (FmDownloadJob *self,
                 GError        *error)
{
  close_streams (self);
  error = fm_http_transport_error (self->msg, error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      fm_retry_policy_classify (0, error) != FM_RETRY_TRANSIENT ||
      !fm_retry_policy_record_failure (retry_policy (self), &self->retry_state))
    {
      finish_run (self, error);
      return;
    }
  g_debug ("download %s: %s; resuming at %" G_GINT64_FORMAT, self->part.name, error->message, self->received);
  g_error_free (error);
  self->retry_id = g_timeout_add (fm_retry_policy_wait_ms (retry_policy (self), &self->retry_state), retry_cb, self);
}

static void
download_complete (FmDownloadJob *self)
{
  GError *error = NULL;
  struct stat st;

  close_streams (self);
  /* What counts is what is on disk, not what this job believes it wrote. */
  if (fstat (self->part.part_fd, &st) != 0 || st.st_size != _fm_download_job_total_received (self) ||
      (self->expected >= 0 && st.st_size != self->expected))
    {
      finish_discarding (self, fm_error_new_download (_("“%s” arrived with %lld bytes instead of %lld; "
                                                      "it was not kept."), self->part.name,
                                                      (long long) st.st_size,
                                                      (long long) (self->expected >= 0 ? self->expected
                                                      : self->received)));
      return;
    }
  if (self->ranges != NULL)
    fm_download_ranges_forget (self->ranges);
  self->received = _fm_download_job_total_received (self);
  g_clear_pointer (&self->ranges, fm_download_ranges_free);
  self->path = fm_download_part_keep (&self->part, &error);
  if (self->path == NULL)
    {
      finish_run (self, error);
      return;
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PATH]);
  finish_run (self, NULL);
}

static void
write_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  FmDownloadJob *self = FM_DOWNLOAD_JOB (source);
  GError *error = NULL;
  gsize written = self->block != NULL ? g_bytes_get_size (self->block) : 0;
  gint64 wait_us;

  /* written for a run that has ended since */
  if (GPOINTER_TO_UINT (user_data) != self->run || self->task == NULL)
    return;
  if (!fm_download_part_write_finish (result, &error))
    {
      g_autoptr(GError) failed = error;

      /* a full disk is not worth retrying */
      finish_run (self, fm_error_new_download (_("Cannot write “%s”: %s"), self->part.name, failed->message));
      return;
    }
  self->received += (gint64) written;
  g_clear_pointer (&self->block, g_bytes_unref);
  wait_us = self->limit != NULL ? fm_rate_limiter_reserve (self->limit, written) : 0;
  if (wait_us > 0)
    {
      self->pace_id = g_timeout_add ((guint) (wait_us / 1000 + 1), pace_cb, self);
      return;
    }
  read_next (self);
}

/* The other ranges are in (or failed for good). */
static void
ranges_done_cb (gpointer  owner,
                GError   *error)
{
  FmDownloadJob *self = owner;

  if (error != NULL)
    {
      /* this job's own request stops too, and the run ends with @error */
      g_clear_error (&self->range_error);
      self->range_error = error;
      if (self->first_done)
        finish_run (self, g_steal_pointer (&self->range_error));
      else
        g_cancellable_cancel (self->cancellable);
      return;
    }
  if (self->first_done)
    download_complete (self);
}

static void
first_range_done (FmDownloadJob *self)
{
  close_streams (self);
  if (self->received < self->range_end)
    {
      transfer_failed (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                                                  "the connection closed before the range's end"));
      return;
    }
  self->first_done = TRUE;
  if (!fm_download_ranges_is_started (self->ranges))
    fm_download_ranges_start (self->ranges, self->session, self->current_url, self->limit, retry_policy (self),
                              self->cancellable, ranges_done_cb, self);
  else if (fm_download_ranges_rest_done (self->ranges))
    download_complete (self);
}

static void
read_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  FmDownloadJob *self = user_data;
  GError *error = NULL;
  GBytes *block = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  gsize size;

  if (block == NULL)
    {
      transfer_failed (self, error);
      return;
    }
  size = g_bytes_get_size (block);
  if (size == 0)
    {
      g_bytes_unref (block);
      if (_fm_download_job_is_ranged (self))
        first_range_done (self);
      else
        download_complete (self);
      return;
    }
  /* Not one byte past the size the server announced (or the range asked
   * for): a server that keeps sending is not allowed to fill the disk. */
  if ((self->expected >= 0 && self->received + (gint64) size > self->expected) ||
      (_fm_download_job_is_ranged (self) && self->received + (gint64) size > self->range_end))
    {
      g_bytes_unref (block);
      close_streams (self);
      finish_discarding (self, fm_error_new_download (_("The server sent more than the %lld bytes it "
                                                      "announced for “%s”; the download was stopped."),
                                                      (long long) self->expected, self->part.name));
      return;
    }
  self->block = block;
  fm_download_part_write_async (&self->part, block, self->received, self, write_done_cb,
                                GUINT_TO_POINTER (self->run));
}

static void
read_next (FmDownloadJob *self)
{
  /* no megabyte buffer for a file of a few kilobytes: what is left (and
   * one byte more, to see a server that sends too much) */
  gint64 left = (_fm_download_job_is_ranged (self) ? self->range_end : self->expected) - self->received;
  gsize want = self->expected >= 0 ? (gsize) CLAMP (left + 1, 1, READ_SIZE) : READ_SIZE;

  g_input_stream_read_bytes_async (self->input, want, G_PRIORITY_DEFAULT,
                                   g_task_get_cancellable (self->task), read_done_cb, self);
}

/* A whole file from the start: what the .part held goes. */
static gboolean
open_output (FmDownloadJob  *self,
             GError        **error)
{
  int saved;

  /* a new .part is empty already: no system call for nothing */
  if (self->received != 0 || _fm_download_job_is_ranged (self) || self->part_empty || ftruncate (self->part.part_fd, 0) == 0)
    return TRUE;
  saved = errno;
  g_propagate_error (error, fm_error_new_download (_("Cannot write “%s”: %s"), self->part.name, g_strerror (saved)));
  return FALSE;
}

/* A server that will not do ranges after all: what the others wrote is
 * fetched again by this one stream from the start. */
static void
discard_ranges (FmDownloadJob *self)
{
  fm_download_ranges_stop (self->ranges);
  fm_download_ranges_forget (self->ranges);
  g_clear_pointer (&self->ranges, fm_download_ranges_free);
  self->range_end = -1;
  if (self->received == 0 && ftruncate (self->part.part_fd, 0) != 0)
    g_warning ("Cannot empty %s: %s", self->part.part_name, g_strerror (errno));
}

/* 206 from where we are, or 200 (the whole file: start over); 416 means
 * the .part already holds everything, or is not of this file. */
static GError *
check_response (FmDownloadJob *self,
                SoupMessage   *msg)
{
  guint status = soup_message_get_status (msg);
  goffset start = 0, end = 0, total = 0;

  if (status == SOUP_STATUS_OK)
    {
      /* no ranges from this server: the whole file, as one stream */
      if (self->ranges != NULL)
        discard_ranges (self);
      self->received = 0;
    }
  else if (status == SOUP_STATUS_PARTIAL_CONTENT)
    {
      if (!soup_message_headers_get_content_range (soup_message_get_response_headers (msg),
                                                   &start, &end, &total) || start != self->received)
        return fm_error_new_download (_("The server resumed “%s” at the wrong place."), self->part.name);
      /* the rest of the file where a range was asked for: one stream */
      if (_fm_download_job_is_ranged (self) && end + 1 != self->range_end)
        discard_ranges (self);
      else if (_fm_download_job_is_ranged (self) && !fm_download_ranges_is_started (self->ranges))
        {
          /* the server takes ranges: the others start now, from where
           * this answer came (after its redirects) */
          fm_download_ranges_save (self->ranges);
          fm_download_ranges_start (self->ranges, self->session, self->current_url, self->limit, retry_policy (self),
                                    self->cancellable, ranges_done_cb, self);
        }
    }
  else
    return fm_error_new_download (_("“%s” cannot be downloaded (HTTP %u %s)."),
                                  self->part.name, status, soup_status_get_phrase (status));
  return NULL;
}

/* Each hop passes the rule every server address passes (https, or http to
 * this machine), and there are at most a few. */
static gboolean
follow_redirect (FmDownloadJob  *self,
                 SoupMessage    *msg,
                 GError        **error)
{
  g_autofree char *target = NULL;

  if (++self->redirects > MAX_REDIRECTS)
    {
      g_propagate_error (error, fm_error_new_download (_("The server sent “%s” round in circles."), self->part.name));
      return FALSE;
    }
  target = fm_http_redirect_target (msg, error);
  if (target == NULL)
    return FALSE;
  g_free (self->current_url);
  self->current_url = g_steal_pointer (&target);
  return TRUE;
}

static void
answer_read_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  FmDownloadJob *self = user_data;
  gboolean retry = FALSE;
  GError *error = fm_download_answer_read_finish (result, &retry);

  if (retry)
    transfer_failed (self, error);
  else
    finish_run (self, error);
}

static void
send_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  FmDownloadJob *self = user_data;
  GError *error = NULL;
  GInputStream *input = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  SoupMessage *msg = self->msg;
  guint status;

  if (input == NULL)
    {
      transfer_failed (self, error);
      return;
    }
  self->input = input;
  status = soup_message_get_status (msg);
  if (fm_http_status_is_redirect (status))
    {
      close_streams (self);
      if (!follow_redirect (self, msg, &error))
        {
          finish_run (self, error);
          return;
        }
      start_request (self);
      return;
    }
  /* "not now" from the file server: like a dropped connection, again */
  if (status >= 500 || status == 408 || status == 429)
    {
      transfer_failed (self, g_error_new (FM_ERROR, FM_ERROR_SERVER_UNAVAILABLE, "%s (HTTP %u)",
                                          fm_error_get_message (FM_ERROR_SERVER_UNAVAILABLE), status));
      return;
    }
  if (status == SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE && self->received > 0)
    {
      close_streams (self);
      if (self->received == self->expected)
        {
          download_complete (self);
          return;
        }
      if (self->restarted)
        {
          finish_discarding (self, fm_error_new_download (_("“%s” cannot be resumed."), self->part.name));
          return;
        }
      self->restarted = TRUE;
      self->received = 0;
      start_request (self);
      return;
    }
  if (fm_download_answer_may_be_error (msg, self->expected))
    {
      fm_download_answer_read_async (self->input, msg, self->part.name, g_task_get_cancellable (self->task),
                                     answer_read_cb, self);
      return;
    }
  error = check_response (self, msg);
  if (error == NULL)
    open_output (self, &error);
  if (error != NULL)
    {
      finish_run (self, error);
      return;
    }
  read_next (self);
}

static void
start_request (FmDownloadJob *self)
{
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, self->current_url);

  if (msg == NULL)
    {
      finish_run (self, g_error_new (FM_ERROR, FM_ERROR_INVALID_URL, "%s",
                                     fm_error_get_message (FM_ERROR_INVALID_URL)));
      return;
    }
  fm_http_prepare_message (msg);
  if (_fm_download_job_is_ranged (self))
    soup_message_headers_set_range (soup_message_get_request_headers (msg), self->received, self->range_end - 1);
  else if (self->received > 0)
    soup_message_headers_set_range (soup_message_get_request_headers (msg), self->received, -1);
  g_set_object (&self->msg, msg);
  soup_session_send_async (self->session, msg, G_PRIORITY_DEFAULT, g_task_get_cancellable (self->task),
                           send_done_cb, self);
}

/* A big file goes in ranges when the server takes them: an earlier run's
 * ranges go on where they stopped; a new download asks for the first
 * range, and its answer tells (check_response). A .part of one stream
 * from an earlier run goes on as one stream. */
/* The .part (fm-download-part.c), and how much of it is there. */
static gboolean
open_part (FmDownloadJob  *self,
           GError        **error)
{
  if (!fm_download_part_open (&self->part, &self->received, error))
    return FALSE;
  self->part_empty = self->received == 0;
  if (self->expected >= 0 && self->received > self->expected)
    self->received = 0;
  return TRUE;
}

static void
plan_ranges (FmDownloadJob *self)
{
  self->range_end = -1;
  self->first_done = FALSE;
  g_clear_pointer (&self->ranges, fm_download_ranges_free);
  if (self->expected < FM_DOWNLOAD_RANGES_MIN_SIZE)
    return;
  self->ranges = fm_download_ranges_new (&self->part, self->expected);
  switch (fm_download_ranges_load (self->ranges))
    {
    case FM_DOWNLOAD_RANGES_LOADED:
      self->received = fm_download_ranges_first_pos (self->ranges);
      break;
    case FM_DOWNLOAD_RANGES_INVALID:
      /* where the .part has holes is not known: it starts over */
      g_warning ("The ranges file of %s cannot be trusted; the download starts over", self->part.part_name);
      self->received = 0;
      if (ftruncate (self->part.part_fd, 0) != 0)
        g_warning ("Cannot empty %s: %s", self->part.part_name, g_strerror (errno));
      G_GNUC_FALLTHROUGH;
    case FM_DOWNLOAD_RANGES_ABSENT:
      if (self->received == 0)
        fm_download_ranges_plan (self->ranges, FM_DOWNLOAD_RANGES_MAX);
      break;
    }
  if (!_fm_download_job_is_ranged (self))
    {
      g_clear_pointer (&self->ranges, fm_download_ranges_free);
      return;
    }
  self->range_end = fm_download_ranges_first_end (self->ranges);
}

void
fm_download_job_run_async (FmDownloadJob       *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GError *error = NULL;

  g_return_if_fail (self->task == NULL);
  /* a cancellable of its own when none is given, so Stop always works */
  self->cancellable = cancellable != NULL ? g_object_ref (cancellable) : g_cancellable_new ();
  self->task = g_task_new (self, self->cancellable, callback, user_data);
  g_task_set_source_tag (self->task, fm_download_job_run_async);
  self->sample_time = self->run_start = g_get_monotonic_time ();
  self->tick_id = g_timeout_add (TICK_MS, tick_cb, self);
  self->redirects = 0;
  self->restarted = FALSE;
  self->run++;
  g_clear_error (&self->error);
  set_state (self, FM_DOWNLOAD_STATE_RUNNING);
  if (self->url == NULL || *self->url == '\0')
    {
      finish_run (self, fm_error_new_download (_("The server gave no address to download “%s” from."),
                                               self->part.name));
      return;
    }
  if (!fm_client_check_url (self->url, &error) || !open_part (self, &error) ||
      /* what is left of the file must fit, with room to spare: never a
       * disk filled half way through */
      !fm_disk_space_check (self->part.directory, self->part.dir_fd,
                            self->expected >= 0 ? self->expected - self->received : 0,
                            self->margin, &error))
    {
      finish_run (self, error);
      return;
    }
  g_free (self->current_url);
  self->current_url = g_strdup (self->url);
  plan_ranges (self);
  self->sample_bytes = _fm_download_job_total_received (self);
  self->cancel_id = g_cancellable_connect (self->cancellable, G_CALLBACK (cancelled_cb), self, NULL);
  if (_fm_download_job_is_ranged (self) && self->received >= self->range_end)
    {
      first_range_done (self);   /* only the others are left */
      return;
    }
  start_request (self);
}

/* How much room the disk keeps after this file (FM_DISK_MARGIN_ASKED
 * unless told: automatic downloads keep more). */
void
fm_download_job_set_margin (FmDownloadJob *self,
                            gint64         margin)
{
  g_return_if_fail (FM_IS_DOWNLOAD_JOB (self));
  self->margin = MAX (margin, 0);
}

gboolean
fm_download_job_run_finish (FmDownloadJob  *self,
                            GAsyncResult   *result,
                            GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------ GObject */

static void
fm_download_job_finalize (GObject *object)
{
  FmDownloadJob *self = FM_DOWNLOAD_JOB (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_clear_handle_id (&self->finish_id, g_source_remove);
  close_streams (self);
  g_clear_pointer (&self->ranges, fm_download_ranges_free);
  g_clear_error (&self->range_error);
  fm_download_part_close (&self->part);
  g_clear_object (&self->msg);
  g_clear_object (&self->session);
  g_clear_object (&self->retry);
  g_clear_object (&self->file);
  g_clear_object (&self->limit);
  g_clear_object (&self->cancellable);
  g_free (self->url);
  g_free (self->current_url);
  fm_download_part_clear (&self->part);
  g_free (self->path);
  g_clear_error (&self->error);
  G_OBJECT_CLASS (fm_download_job_parent_class)->finalize (object);
}

static void
fm_download_job_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  FmDownloadJob *self = FM_DOWNLOAD_JOB (object);

  switch (prop_id)
    {
    case PROP_BYTES_TOTAL: g_value_set_int64 (value, self->expected); break;
    case PROP_BYTES_RECEIVED: g_value_set_int64 (value, _fm_download_job_total_received (self)); break;
    case PROP_FRACTION: g_value_set_double (value, fm_download_job_get_fraction (self)); break;
    case PROP_SPEED: g_value_set_double (value, self->speed); break;
    case PROP_PATH: g_value_set_string (value, self->path); break;
    case PROP_FILE: g_value_set_object (value, self->file); break;
    case PROP_STATE: g_value_set_enum (value, self->state); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fm_download_job_class_init (FmDownloadJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = fm_download_job_finalize;
  object_class->get_property = fm_download_job_get_property;
  properties[PROP_BYTES_TOTAL] = g_param_spec_int64 ("bytes-total", NULL, NULL, -1, G_MAXINT64, -1, flags);
  properties[PROP_BYTES_RECEIVED] = g_param_spec_int64 ("bytes-received", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_FRACTION] = g_param_spec_double ("fraction", NULL, NULL, 0, 1, 0, flags);
  properties[PROP_SPEED] = g_param_spec_double ("speed", NULL, NULL, 0, G_MAXDOUBLE, 0, flags);
  properties[PROP_PATH] = g_param_spec_string ("path", NULL, NULL, NULL, flags);
  properties[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, FM_TYPE_DOWNLOAD_STATE,
                                              FM_DOWNLOAD_STATE_IDLE, flags);
  /* the FmTransferFile given to fm_download_job_new_for_file, else NULL */
  properties[PROP_FILE] = g_param_spec_object ("file", NULL, NULL, FM_TYPE_TRANSFER_FILE, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fm_download_job_init (FmDownloadJob *self)
{
  self->part.dir_fd = self->part.part_fd = -1;
}

FmDownloadJob *
fm_download_job_new (SoupSession *session,
                     const char  *url,
                     const char  *server_name,
                     gint64       expected_size,
                     const char  *directory,
                     const char  *part_key)
{
  FmDownloadJob *self = g_object_new (FM_TYPE_DOWNLOAD_JOB, NULL);

  self->session = g_object_ref (session);
  self->url = g_strdup (url);
  fm_download_part_init (&self->part, directory, server_name,
                         part_key != NULL ? part_key : (url != NULL ? url : server_name));
  self->expected = expected_size >= 0 ? expected_size : -1;
  self->margin = FM_DISK_MARGIN_ASKED;
  return self;
}

FmDownloadJob *
fm_download_job_new_for_file (SoupSession    *session,
                              FmTransferFile *file,
                              const char     *directory)
{
  g_autofree char *key = g_strdup_printf ("%s\n%s", fm_transfer_file_get_transfer_id (file)
                                                    ? fm_transfer_file_get_transfer_id (file) : "",
                                          fm_transfer_file_get_id (file));

  FmDownloadJob *self = fm_download_job_new (session, fm_transfer_file_get_download_url (file),
                                             fm_transfer_file_get_filename (file),
                                             fm_transfer_file_get_filesize (file), directory, key);

  self->file = g_object_ref (file);
  return self;
}

/* Stops the running download (it ends STOPPED; the .part stays for the
 * next run); nothing happens when none runs. */
void
fm_download_job_stop (FmDownloadJob *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  else if (self->state == FM_DOWNLOAD_STATE_IDLE)
    set_state (self, FM_DOWNLOAD_STATE_STOPPED);   /* waiting for its turn: it will not start */
}

