/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-limited-stream.c: a chunk's bytes, read no faster than a limit */
#define G_LOG_DOMAIN "fm-limited-stream"

#include <string.h>

#include "fm-limited-stream.h"

struct _FmLimitedStream
{
  GInputStream   parent_instance;

  GBytes        *bytes;
  gsize          offset;
  FmRateLimiter *limiter;
};

G_DEFINE_FINAL_TYPE (FmLimitedStream, fm_limited_stream, G_TYPE_INPUT_STREAM)

static gsize
copy_out (FmLimitedStream *self,
          void            *buffer,
          gsize            count)
{
  gsize size = 0;
  const guint8 *data = g_bytes_get_data (self->bytes, &size);
  gsize n = MIN (count, size - self->offset);

  memcpy (buffer, data + self->offset, n);
  self->offset += n;
  return n;
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
  return (gssize) copy_out (FM_LIMITED_STREAM (stream), buffer, count);
}

typedef struct {
  void  *buffer;
  gsize  count;
} Read;

static gboolean
read_later_cb (gpointer data)
{
  GTask *task = data;
  FmLimitedStream *self = g_task_get_source_object (task);
  Read *read = g_task_get_task_data (task);

  if (!g_task_return_error_if_cancelled (task))
    g_task_return_int (task, (gssize) copy_out (self, read->buffer, read->count));
  return G_SOURCE_REMOVE;
}

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
  gsize left = g_bytes_get_size (self->bytes) - self->offset;
  gint64 wait_us = fm_rate_limiter_reserve (self->limiter, MIN (count, left));
  g_autoptr(GSource) timer = NULL;
  Read *read = g_new (Read, 1);

  g_task_set_source_tag (task, read_async);
  *read = (Read) { buffer, count };
  g_task_set_task_data (task, read, g_free);
  if (wait_us == 0)
    {
      g_task_return_int (task, (gssize) copy_out (self, buffer, count));
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
  return TRUE;
}

static void
fm_limited_stream_finalize (GObject *object)
{
  FmLimitedStream *self = FM_LIMITED_STREAM (object);

  g_bytes_unref (self->bytes);
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
}

GInputStream *
fm_limited_stream_new (GBytes        *bytes,
                       FmRateLimiter *limiter)
{
  FmLimitedStream *self = g_object_new (FM_TYPE_LIMITED_STREAM, NULL);

  self->bytes = g_bytes_ref (bytes);
  self->limiter = g_object_ref (limiter);
  return G_INPUT_STREAM (self);
}
