/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-limited-stream.c: a chunk's bytes, from its file, no faster than a
 * limit */
#define G_LOG_DOMAIN "fm-limited-stream"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "fm-chunk-io.h"
#include "fm-limited-stream.h"

struct _FmLimitedStream
{
  GInputStream   parent_instance;

  char          *path;
  int            fd;          /* -1 until the first read */
  gint64         offset;
  gint64         length;
  gint64         position;    /* bytes handed out so far */
  GBytes        *slot;        /* the pool's token, held as long as libsoup holds the body */
  FmRateLimiter *limiter;
  FmLimitedStreamFunc progress;   /* told of every read: a plain call, not a GSignal per 8 KiB */
  gpointer       progress_data;

  /* libsoup reads 8 KiB at a time: one pread of WINDOW serves 32 of them */
  guint8        *window;
  gint64         window_start;   /* region position of window[0] */
  gsize          window_length;
};

#define WINDOW (256 * 1024)

G_DEFINE_FINAL_TYPE (FmLimitedStream, fm_limited_stream, G_TYPE_INPUT_STREAM)

static gboolean
read_failed (FmLimitedStream  *self,
             ssize_t           n,
             GError          **error)
{
  /* nothing where the hashed bytes were: the file got shorter */
  return n == 0 ? fm_file_error_changed (error, self->path) : fm_file_error_unreadable (error, self->path, errno);
}

/* The window holds the bytes at the current position, read with one
 * pread of up to WINDOW. */
static gboolean
fill_window (FmLimitedStream  *self,
             GError          **error)
{
  gsize want = (gsize) MIN ((gint64) WINDOW, self->length - self->position);
  gsize got = 0;

  if (self->fd < 0)
    self->fd = open (self->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (self->fd < 0)
    return read_failed (self, -1, error);
  if (self->window == NULL)
    self->window = g_malloc (WINDOW);
  while (got < want)
    {
      ssize_t n = pread (self->fd, self->window + got, want - got, self->offset + self->position + (gint64) got);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return read_failed (self, n, error);
      got += (gsize) n;
    }
  self->window_start = self->position;
  self->window_length = got;
  return TRUE;
}

/* The next bytes of the region, at most @count; 0 at its end. */
static gssize
read_region (FmLimitedStream  *self,
             void             *buffer,
             gsize             count,
             GError          **error)
{
  gsize n;

  if (self->position >= self->length || count == 0)
    return 0;
  if (self->window == NULL || self->position < self->window_start ||
      self->position >= self->window_start + (gint64) self->window_length)
    if (!fill_window (self, error))
      return -1;
  n = MIN (count, self->window_length - (gsize) (self->position - self->window_start));
  memcpy (buffer, self->window + (self->position - self->window_start), n);
  self->position += (gint64) n;
  if (self->progress != NULL)
    self->progress (n, self->progress_data);
  return (gssize) n;
}

static gssize
read_fn (GInputStream  *stream,
         void          *buffer,
         gsize          count,
         GCancellable  *cancellable,
         GError       **error)
{
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return -1;
  return read_region (FM_LIMITED_STREAM (stream), buffer, count, error);
}

typedef struct {
  void  *buffer;
  gsize  count;
} Read;

static void
finish_read (GTask *task)
{
  FmLimitedStream *self = g_task_get_source_object (task);
  Read *read = g_task_get_task_data (task);
  GError *error = NULL;
  gssize n;

  if (g_task_return_error_if_cancelled (task))
    return;
  n = read_region (self, read->buffer, read->count, &error);
  if (n < 0)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, n);
}

static gboolean
read_later_cb (gpointer data)
{
  finish_read (data);
  return G_SOURCE_REMOVE;
}

/* From the page cache (the chunk was hashed a moment ago), so pread here
 * does not wait for a disk. */
static void
read_async (GInputStream        *stream,
            void                *buffer,
            gsize                count,
            int                  io_priority,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  FmLimitedStream *self = FM_LIMITED_STREAM (stream);
  g_autoptr(GTask) task = g_task_new (stream, cancellable, callback, user_data);
  gint64 wait_us = fm_rate_limiter_reserve (self->limiter, (gsize) MIN ((gint64) count,
                                                                         self->length - self->position));
  g_autoptr(GSource) timer = NULL;
  Read *read = g_new (Read, 1);

  g_task_set_source_tag (task, read_async);
  *read = (Read) { buffer, count };
  g_task_set_task_data (task, read, g_free);
  if (wait_us == 0)
    {
      finish_read (task);
      return;
    }
  /* the bytes go when the limit allows; a cancel is noticed then (the
   * wait is that of one read at the limit) */
  timer = g_timeout_source_new ((guint) MAX (1, (wait_us + 999) / 1000));
  g_task_attach_source (task, timer, read_later_cb);
}

static gssize
read_finish (GInputStream  *stream,
             GAsyncResult  *result,
             GError       **error)
{
  return g_task_propagate_int (G_TASK (result), error);
}

static gboolean
close_fn (GInputStream  *stream,
          GCancellable  *cancellable,
          GError       **error)
{
  FmLimitedStream *self = FM_LIMITED_STREAM (stream);

  if (self->fd >= 0)
    close (self->fd);
  self->fd = -1;
  return TRUE;
}

static void
fm_limited_stream_finalize (GObject *object)
{
  FmLimitedStream *self = FM_LIMITED_STREAM (object);

  if (self->fd >= 0)
    close (self->fd);
  g_free (self->window);
  g_free (self->path);
  g_clear_pointer (&self->slot, g_bytes_unref);
  g_clear_object (&self->limiter);
  G_OBJECT_CLASS (fm_limited_stream_parent_class)->finalize (object);
}

static void
fm_limited_stream_class_init (FmLimitedStreamClass *klass)
{
  GInputStreamClass *stream_class = G_INPUT_STREAM_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = fm_limited_stream_finalize;
  stream_class->read_fn = read_fn;
  stream_class->read_async = read_async;
  stream_class->read_finish = read_finish;
  stream_class->close_fn = close_fn;
}

static void
fm_limited_stream_init (FmLimitedStream *self)
{
  self->fd = -1;
}

/* @func is called with the size of every read libsoup makes (what went
 * on the wire, within 8 KiB), for progress. */
void
fm_limited_stream_set_progress_func (FmLimitedStream     *self,
                                     FmLimitedStreamFunc  func,
                                     gpointer             data)
{
  self->progress = func;
  self->progress_data = data;
}

/* @slot (may be NULL) is held until the stream goes. */
GInputStream *
fm_limited_stream_new (const char    *path,
                       gint64         offset,
                       gint64         length,
                       GBytes        *slot,
                       FmRateLimiter *limiter)
{
  FmLimitedStream *self = g_object_new (FM_TYPE_LIMITED_STREAM, NULL);

  self->path = g_strdup (path);
  self->offset = offset;
  self->length = length;
  self->slot = slot != NULL ? g_bytes_ref (slot) : NULL;
  self->limiter = g_object_ref (limiter);
  return G_INPUT_STREAM (self);
}
