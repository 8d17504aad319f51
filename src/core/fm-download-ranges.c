/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-download-ranges.c: one file over several connections
 *
 * Where each connection is held to a rate (a far server, a shaped path),
 * one stream is the whole speed. A file of FM_DOWNLOAD_RANGES_MIN_SIZE or
 * more is cut into up to FM_DOWNLOAD_RANGES_MAX ranges; the download job
 * fetches the first itself (its answer tells whether the server takes
 * ranges: 206 with the Content-Range asked for) and this fetches the
 * others, each written at its offset into the same .part through the
 * part's one writer thread (fm_download_part_write_async: the job's
 * descriptor, opened without links, locked).
 *
 * Resuming: "<part>.ranges" beside the .part says where each range is:
 *
 *   filemail-ranges 1
 *   size 104857600
 *   range 0 26214400 1048576       (start, end, bytes written up to)
 *
 * It is written (to a temporary, then renamed) a few times a second and
 * when a run ends, always after the bytes it counts were written: after a
 * kill, each range continues where the file says, at most the last
 * fraction of a second of bytes is fetched again. Read as hostile: a
 * regular file of at most 4 KiB, ranges that cover the file end to end,
 * positions inside their range and inside what the .part holds; anything
 * else and the download starts over.
 */
#define G_LOG_DOMAIN "fm-download-ranges"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "fm-download-answer.h"
#include "fm-download-ranges.h"
#include "fm-error.h"
#include "fm-http.h"

#define READ_SIZE     (1 << 20)
#define CONTROL_MAX   4096
#define MAX_REDIRECTS 5

typedef struct {
  FmDownloadRanges *owner;
  gint64        start, end, pos;
  SoupMessage  *msg;
  GInputStream *input;
  FmRetryState  retry_state;
  guint         wait_id;
  guint         redirects;
  char         *url;
  GBytes       *block;       /* being written */
  gboolean      running;
} Range;

struct _FmDownloadRanges
{
  FmDownloadPart *part;        /* the job's: written through its writer */
  int            dir_fd, part_fd;
  char          *control_name;
  char          *display_name;
  gint64         size;
  GArray        *ranges;       /* of Range; [0] is the job's own */
  SoupSession   *session;
  FmRateLimiter *limit;
  FmRetryPolicy *retry;
  GCancellable  *cancellable;  /* this module's: stop cancels it */
  GCancellable  *job_cancellable;
  gulong         cancel_id;
  FmDownloadRangesDone done;
  gpointer       owner;
  gboolean       started, finished;
};

static FmDownloadRanges *
ranges_ref (FmDownloadRanges *self)
{
  return g_atomic_rc_box_acquire (self);
}

static void
ranges_clear (FmDownloadRanges *self)
{
  g_free (self->control_name);
  g_free (self->display_name);
  g_clear_pointer (&self->ranges, g_array_unref);
  g_clear_object (&self->session);
  g_clear_object (&self->limit);
  g_clear_object (&self->retry);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->job_cancellable);
}

static void
ranges_unref (FmDownloadRanges *self)
{
  g_atomic_rc_box_release_full (self, (GDestroyNotify) ranges_clear);
}

static void
range_clear (Range *r)
{
  g_clear_object (&r->msg);
  g_clear_object (&r->input);
  g_clear_handle_id (&r->wait_id, g_source_remove);
  g_clear_pointer (&r->url, g_free);
  g_clear_pointer (&r->block, g_bytes_unref);
}

FmDownloadRanges *
fm_download_ranges_new (FmDownloadPart *part,
                        gint64          size)
{
  FmDownloadRanges *self = g_atomic_rc_box_new0 (FmDownloadRanges);
  const char *display_name = part->name;

  self->part = part;
  self->dir_fd = part->dir_fd;
  self->part_fd = part->part_fd;
  self->control_name = g_strconcat (part->part_name, ".ranges", NULL);
  self->display_name = g_strdup (display_name);
  self->size = size;
  self->ranges = g_array_new (FALSE, TRUE, sizeof (Range));
  g_array_set_clear_func (self->ranges, (GDestroyNotify) range_clear);
  return self;
}

void
fm_download_ranges_free (FmDownloadRanges *self)
{
  if (self == NULL)
    return;
  fm_download_ranges_stop (self);
  ranges_unref (self);
}

static Range *
range_at (FmDownloadRanges *self,
          guint             i)
{
  return &g_array_index (self->ranges, Range, i);
}

guint
fm_download_ranges_get_count (FmDownloadRanges *self)
{
  return self->ranges->len;
}

static void
add_range (FmDownloadRanges *self,
           gint64            start,
           gint64            end,
           gint64            pos)
{
  Range r = { .owner = self, .start = start, .end = end, .pos = pos };

  g_array_append_val (self->ranges, r);
}

/* Equal ranges, each at least FM_DOWNLOAD_RANGES_MIN_RANGE. */
void
fm_download_ranges_plan (FmDownloadRanges *self,
                         guint             n)
{
  gint64 step;

  g_array_set_size (self->ranges, 0);
  n = CLAMP (n, 1, FM_DOWNLOAD_RANGES_MAX);
  while (n > 1 && self->size / n < FM_DOWNLOAD_RANGES_MIN_RANGE)
    n--;
  step = self->size / n;
  for (guint i = 0; i < n; i++)
    add_range (self, step * i, i + 1 == n ? self->size : step * (i + 1), step * i);
}

/* ------------------------------------------------------------ control file */

static gboolean
parse_control (FmDownloadRanges *self,
               const char       *text,
               gint64            part_size)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  gint64 size = -1, next = 0;

  if (lines[0] == NULL || !g_str_equal (lines[0], "filemail-ranges 1") || lines[1] == NULL ||
      sscanf (lines[1], "size %" G_GINT64_FORMAT, &size) != 1 || size != self->size)
    return FALSE;
  g_array_set_size (self->ranges, 0);
  for (guint i = 2; lines[i] != NULL && *lines[i] != '\0'; i++)
    {
      gint64 start, end, pos;
      char tail;

      if (self->ranges->len >= FM_DOWNLOAD_RANGES_MAX ||
          sscanf (lines[i], "range %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT "%c",
                  &start, &end, &pos, &tail) != 3 ||
          start != next || end <= start || end > size || pos < start || pos > end ||
          (pos > start && pos > part_size))
        return FALSE;
      add_range (self, start, end, pos);
      next = end;
    }
  return self->ranges->len >= 2 && next == size;
}

/* The ranges of an earlier run, if its file is there and sound. One that
 * is there and not sound leaves the .part untrustworthy too: its holes
 * are not known. */
FmDownloadRangesLoad
fm_download_ranges_load (FmDownloadRanges *self)
{
  char text[CONTROL_MAX + 1];
  struct stat st, part;
  ssize_t n;
  int fd = openat (self->dir_fd, self->control_name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  gboolean ok;

  if (fd < 0 && errno == ENOENT)
    return FM_DOWNLOAD_RANGES_ABSENT;
  ok = fd >= 0 && fstat (fd, &st) == 0 && S_ISREG (st.st_mode) && st.st_size <= CONTROL_MAX &&
       fstat (self->part_fd, &part) == 0;
  n = ok ? read (fd, text, CONTROL_MAX) : -1;
  if (fd >= 0)
    close (fd);
  if (n >= 0)
    text[n] = '\0';
  if (n < 0 || strlen (text) != (gsize) n || !parse_control (self, text, part.st_size))
    {
      g_array_set_size (self->ranges, 0);
      fm_download_ranges_forget (self);
      return FM_DOWNLOAD_RANGES_INVALID;
    }
  return FM_DOWNLOAD_RANGES_LOADED;
}

/* Written only after the bytes it counts: see the top of this file. */
gboolean
fm_download_ranges_save (FmDownloadRanges *self)
{
  g_autoptr(GString) text = g_string_new ("filemail-ranges 1\n");
  g_autofree char *temporary = g_strconcat (self->control_name, ".new", NULL);
  int fd;
  gboolean ok;

  if (self->ranges->len < 2)
    return TRUE;
  g_string_append_printf (text, "size %" G_GINT64_FORMAT "\n", self->size);
  for (guint i = 0; i < self->ranges->len; i++)
    g_string_append_printf (text, "range %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT "\n",
                            range_at (self, i)->start, range_at (self, i)->end, range_at (self, i)->pos);
  unlinkat (self->dir_fd, temporary, 0);
  fd = openat (self->dir_fd, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    return FALSE;
  ok = write (fd, text->str, text->len) == (ssize_t) text->len;
  close (fd);
  ok = ok && renameat (self->dir_fd, temporary, self->dir_fd, self->control_name) == 0;
  if (!ok)
    unlinkat (self->dir_fd, temporary, 0);
  return ok;
}

void
fm_download_ranges_forget (FmDownloadRanges *self)
{
  unlinkat (self->dir_fd, self->control_name, 0);
}

/* ------------------------------------------------------------ accounting */

gint64
fm_download_ranges_first_pos (FmDownloadRanges *self)
{
  return range_at (self, 0)->pos;
}

gint64
fm_download_ranges_first_end (FmDownloadRanges *self)
{
  return range_at (self, 0)->end;
}

void
fm_download_ranges_set_first_pos (FmDownloadRanges *self,
                                  gint64            pos)
{
  range_at (self, 0)->pos = pos;
}

gint64
fm_download_ranges_received (FmDownloadRanges *self)
{
  gint64 sum = 0;

  for (guint i = 0; i < self->ranges->len; i++)
    sum += range_at (self, i)->pos - range_at (self, i)->start;
  return sum;
}

gboolean
fm_download_ranges_rest_done (FmDownloadRanges *self)
{
  for (guint i = 1; i < self->ranges->len; i++)
    if (range_at (self, i)->pos < range_at (self, i)->end)
      return FALSE;
  return TRUE;
}

gboolean
fm_download_ranges_is_started (FmDownloadRanges *self)
{
  return self->started;
}

/* ------------------------------------------------------------ fetching */

static void range_request (Range *r);
static void range_read (Range *r);

/* One range failed for good: the others stop, the job hears once. */
static void
fail (FmDownloadRanges *self,
      GError           *error)
{
  if (self->finished)
    {
      g_error_free (error);
      return;
    }
  self->finished = TRUE;
  fm_download_ranges_stop (self);
  self->done (self->owner, error);
}

static void
range_finished (Range *r)
{
  FmDownloadRanges *self = r->owner;

  r->running = FALSE;
  g_clear_object (&r->input);
  g_clear_object (&r->msg);
  if (!self->finished && fm_download_ranges_rest_done (self))
    {
      self->finished = TRUE;
      self->done (self->owner, NULL);
    }
}

static gboolean
retry_cb (gpointer data)
{
  Range *r = data;

  r->wait_id = 0;
  range_request (r);
  return G_SOURCE_REMOVE;
}

/* A dropped connection or a "not now": this range again from where it is,
 * after the policy's wait; the others go on. */
static void
range_failed (Range  *r,
              GError *error)
{
  FmDownloadRanges *self = r->owner;

  g_clear_object (&r->input);
  error = fm_http_transport_error (r->msg, error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      fm_retry_policy_classify (0, error) != FM_RETRY_TRANSIENT ||
      !fm_retry_policy_record_failure (self->retry, &r->retry_state))
    {
      r->running = FALSE;
      fail (self, error);
      return;
    }
  g_debug ("range %" G_GINT64_FORMAT " of %s: %s; again at %" G_GINT64_FORMAT,
           r->start, self->display_name, error->message, r->pos);
  g_error_free (error);
  r->wait_id = g_timeout_add (fm_retry_policy_wait_ms (self->retry, &r->retry_state), retry_cb, r);
}

static gboolean
pace_cb (gpointer data)
{
  Range *r = data;

  r->wait_id = 0;
  range_read (r);
  return G_SOURCE_REMOVE;
}

static void
written_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Range *r = user_data;
  FmDownloadRanges *self = r->owner;
  g_autoptr(GError) error = NULL;
  gint64 wait_us;
  gsize size;

  if (!fm_download_part_write_finish (result, &error) && !g_cancellable_is_cancelled (self->cancellable))
    {
      fail (self, fm_error_new_download (_("Cannot write “%s”: %s"), self->display_name, error->message));
      ranges_unref (self);
      return;
    }
  if (g_cancellable_is_cancelled (self->cancellable) || r->block == NULL)
    {
      ranges_unref (self);
      return;
    }
  ranges_unref (self);
  size = g_bytes_get_size (r->block);
  g_clear_pointer (&r->block, g_bytes_unref);
  r->pos += (gint64) size;
  r->retry_state.attempts = 0;
  wait_us = self->limit != NULL ? fm_rate_limiter_reserve (self->limit, size) : 0;
  if (wait_us > 0)
    {
      r->wait_id = g_timeout_add ((guint) (wait_us / 1000 + 1), pace_cb, r);
      return;
    }
  range_read (r);
}

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Range *r = user_data;
  FmDownloadRanges *self = r->owner;
  GError *error = NULL;
  g_autoptr(GBytes) block = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  gsize size;

  if (g_cancellable_is_cancelled (self->cancellable) || r->input == NULL)
    {
      g_clear_error (&error);
      ranges_unref (self);
      return;
    }
  ranges_unref (self);
  if (block == NULL)
    {
      range_failed (r, error);
      return;
    }
  size = g_bytes_get_size (block);
  if (size == 0)
    {
      if (r->pos < r->end)
        range_failed (r, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                                              "the connection closed before the range's end"));
      else
        range_finished (r);
      return;
    }
  /* never past the range: a server that keeps sending fills no disk */
  if (r->pos + (gint64) size > r->end)
    {
      fail (self, fm_error_new_download (_("The server sent more than the %lld bytes it announced for “%s”; "
                                         "the download was stopped."), (long long) self->size, self->display_name));
      return;
    }
  r->block = g_bytes_ref (block);
  fm_download_part_write_async (self->part, block, r->pos, NULL, written_cb, r);
  ranges_ref (self);
}

/* Up to the range's end, then once more: the answer's end (a 0-byte
 * read) lets its connection be kept for the next request. */
static void
range_read (Range *r)
{
  FmDownloadRanges *self = r->owner;
  gsize want = (gsize) MIN ((gint64) READ_SIZE, MAX (r->end - r->pos, 1));

  g_input_stream_read_bytes_async (r->input, want, G_PRIORITY_DEFAULT, self->cancellable, read_cb, r);
  ranges_ref (self);
}

static void
answer_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Range *r = user_data;
  FmDownloadRanges *self = r->owner;
  gboolean retry = FALSE;
  GError *error = fm_download_answer_read_finish (result, &retry);

  if (g_cancellable_is_cancelled (self->cancellable))
    {
      g_error_free (error);
      ranges_unref (self);
      return;
    }
  ranges_unref (self);
  if (retry)
    range_failed (r, error);
  else
    {
      r->running = FALSE;
      fail (self, error);
    }
}

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Range *r = user_data;
  FmDownloadRanges *self = r->owner;
  GError *error = NULL;
  GInputStream *input = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  goffset start = 0, end = 0, total = 0;
  guint status;

  if (g_cancellable_is_cancelled (self->cancellable))
    {
      g_clear_object (&input);
      g_clear_error (&error);
      ranges_unref (self);
      return;
    }
  ranges_unref (self);
  if (input == NULL)
    {
      range_failed (r, error);
      return;
    }
  r->input = input;
  status = soup_message_get_status (r->msg);
  if (fm_http_status_is_redirect (status))
    {
      g_autofree char *target = NULL;

      g_clear_object (&r->input);
      if (++r->redirects > MAX_REDIRECTS || (target = fm_http_redirect_target (r->msg, &error)) == NULL)
        {
          fail (self, error != NULL ? error : fm_error_new_download (_("The server sent “%s” round in circles."),
                                                                     self->display_name));
          return;
        }
      g_free (r->url);
      r->url = g_steal_pointer (&target);
      range_request (r);
      return;
    }
  /* "not now"; or a range past the end of a short answer that is not the
   * file (an error answer cut to ranges): again, within the policy */
  if (status >= 500 || status == 408 || status == 429 || status == SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE)
    {
      range_failed (r, g_error_new (FM_ERROR, FM_ERROR_SERVER_UNAVAILABLE, "%s (HTTP %u)",
                                    fm_error_get_message (FM_ERROR_SERVER_UNAVAILABLE), status));
      return;
    }
  /* Filemail's own error where the file was asked for (4005: again) */
  if (fm_download_answer_may_be_error (r->msg, self->size))
    {
      fm_download_answer_read_async (r->input, r->msg, self->display_name, self->cancellable, answer_cb, r);
      ranges_ref (self);
      return;
    }
  if (status != SOUP_STATUS_PARTIAL_CONTENT ||
      !soup_message_headers_get_content_range (soup_message_get_response_headers (r->msg), &start, &end, &total) ||
      start != r->pos || end + 1 != r->end || (total >= 0 && total != self->size))
    {
      fail (self, status == SOUP_STATUS_PARTIAL_CONTENT || status == SOUP_STATUS_OK
                  ? fm_error_new_download (_("The server resumed “%s” at the wrong place."), self->display_name)
                  : fm_error_new_download (_("“%s” cannot be downloaded (HTTP %u %s)."), self->display_name,
                                           status, soup_status_get_phrase (status)));
      return;
    }
  range_read (r);
}

static void
range_request (Range *r)
{
  FmDownloadRanges *self = r->owner;
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, r->url);

  if (msg == NULL)
    {
      fail (self, g_error_new (FM_ERROR, FM_ERROR_INVALID_URL, "%s", fm_error_get_message (FM_ERROR_INVALID_URL)));
      return;
    }
  fm_http_prepare_message (msg);
  soup_message_headers_set_range (soup_message_get_request_headers (msg), r->pos, r->end - 1);
  g_set_object (&r->msg, msg);
  r->running = TRUE;
  soup_session_send_async (self->session, msg, G_PRIORITY_DEFAULT, self->cancellable, sent_cb, r);
  ranges_ref (self);
}

static void
job_cancelled_cb (GCancellable     *cancellable,
                  FmDownloadRanges *self)
{
  g_cancellable_cancel (self->cancellable);
}

static gboolean
report_done_cb (gpointer data)
{
  FmDownloadRanges *self = data;

  if (!self->finished && self->started)
    {
      self->finished = TRUE;
      self->done (self->owner, NULL);
    }
  return G_SOURCE_REMOVE;
}

/* Every range but the first, from where each is, over @url (the address
 * the first one's answer came from, after its redirects). */
void
fm_download_ranges_start (FmDownloadRanges    *self,
                          SoupSession         *session,
                          const char          *url,
                          FmRateLimiter       *limit,
                          FmRetryPolicy       *retry,
                          GCancellable        *cancellable,
                          FmDownloadRangesDone done,
                          gpointer             owner)
{
  g_return_if_fail (!self->started);
  self->started = TRUE;
  self->finished = FALSE;
  self->session = g_object_ref (session);
  g_set_object (&self->limit, limit);
  self->retry = g_object_ref (retry);
  self->cancellable = g_cancellable_new ();
  self->done = done;
  self->owner = owner;
  if (cancellable != NULL)
    {
      self->job_cancellable = g_object_ref (cancellable);
      self->cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (job_cancelled_cb), self, NULL);
    }
  if (fm_download_ranges_rest_done (self))
    {
      g_idle_add_full (G_PRIORITY_DEFAULT, report_done_cb, ranges_ref (self), (GDestroyNotify) ranges_unref);
      return;
    }
  for (guint i = 1; i < self->ranges->len; i++)
    {
      Range *r = range_at (self, i);

      if (r->pos >= r->end)
        continue;
      r->url = g_strdup (url);
      range_request (r);
    }
}

/* Stops every range; the job hears nothing more. What each range wrote
 * stays (fm_download_ranges_save keeps where). */
void
fm_download_ranges_stop (FmDownloadRanges *self)
{
  self->finished = TRUE;
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->cancel_id != 0)
    g_cancellable_disconnect (self->job_cancellable, self->cancel_id);
  self->cancel_id = 0;
  for (guint i = 1; self->ranges != NULL && i < self->ranges->len; i++)
    {
      Range *r = range_at (self, i);

      g_clear_handle_id (&r->wait_id, g_source_remove);
      g_clear_object (&r->input);
      r->running = FALSE;
    }
}
