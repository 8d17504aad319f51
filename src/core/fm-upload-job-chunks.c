/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-upload-job-chunks.c: the chunk pump of FmUploadJob
 *
 * Chunks are read and hashed ahead in workers (at most READ_AHEAD ready,
 * MAX_READING at once), sent at most `parallel` at a time through the
 * client's per-host slots, acknowledged into the file's chunk set, and
 * retried with backoff when the network or the server stumbles. See
 * fm-upload-job.c for the phases around it.
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
#include "fm-json.h"
#include "fm-upload-job-private.h"
#include "fm-upload-scan.h"

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

void
_fm_upload_job_chunk_free (Chunk *chunk)
{
  g_clear_pointer (&chunk->post, fm_chunk_post_unref);
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
  _fm_upload_job_pump (self);
  return G_SOURCE_REMOVE;
}

static gboolean
chunk_failure_is_retried (FmUploadJob *self,
                          Chunk       *chunk,
                          GError      *error)
{
  FmUploadFile *file = chunk_file (chunk);

  if (_fm_upload_job_is_offline (self))
    {
      /* Not the request's fault: no attempt spent. */
      g_queue_push_head (&self->retry_ready, chunk);
      _fm_upload_job_stop_run (self);
      _fm_upload_job_set_state (self, FM_UPLOAD_STATE_WAITING_FOR_NETWORK);
      return TRUE;
    }
  if (!fm_retry_policy_record_failure (self->retry, &chunk->retry))
    {
      /* in plain words; which part, how often and the socket's own words
       * are the detail (a tooltip in the app, --verbose in the CLI) */
      const char *reason = error->domain == FM_ERROR ? fm_error_human_message (error)
                                                     : fm_error_get_message (FM_ERROR_NETWORK);
      g_autofree char *message = g_strdup_printf (_("“%s” could not be sent. %s"), file->name, reason);
      g_autofree char *detail = g_strdup_printf ("Part %lld of “%s” failed %u times; the last error was: %s",
                                                 (long long) (chunk->index + 1), file->name,
                                                 chunk->retry.attempts, error->message);

      _fm_upload_job_fail (self, fm_error_new_with_detail (FM_ERROR_UPLOAD_FAILED, detail, message));
      _fm_upload_job_chunk_free (chunk);
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
      _fm_upload_job_chunk_free (chunk);
      return;
    }
  self->n_reading--;
  if (data == NULL)
    {
      _fm_upload_job_chunk_free (chunk);
      _fm_upload_job_fail (self, g_steal_pointer (&error));
      return;
    }
  chunk->data = data;
  g_queue_push_tail (&self->ready, chunk);
  _fm_upload_job_pump (self);
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
  /* a #fragment is the browser's, never sent: the query goes before it
   * (appended after it, every parameter would be part of the fragment
   * and the request line a bare "POST /add") */
  GString *uri = g_string_new_len (self->ticket->url, (gssize) strcspn (self->ticket->url, "#"));
  gboolean has_query = strchr (uri->str, '?') != NULL;
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
      g_string_append_c (uri, i == 0 && !has_query ? '?' : '&');
      g_string_append_uri_escaped (uri, params[i], NULL, FALSE);
      g_string_append_c (uri, '=');
      g_string_append_uri_escaped (uri, params[i + 1], NULL, FALSE);
    }
  return g_string_free (uri, FALSE);
}

/* HTTP 200 with an empty body is the reference's success; a JSON error
 * body (a transfer that expired, a wrong key) is the server refusing. */
static GError *
upload_response_error (FmChunkPost *post,
                       GBytes      *body)
{
  guint status = fm_chunk_post_get_status (post);
  g_autoptr(JsonObject) root = NULL;
  GError *error = NULL;

  if (status != SOUP_STATUS_OK)
    return g_error_new (FM_ERROR, FM_ERROR_HTTP_STATUS, "%s (HTTP %u %s)",
                        fm_error_get_message (FM_ERROR_HTTP_STATUS), status,
                        fm_chunk_post_get_reason (post));
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
  self->bytes_acked += chunk->length;
  self->chunks_acked++;
  _fm_upload_job_emit_chunk_acked (self, chunk->file, chunk->index);
  _fm_upload_job_emit_changed (self);
}

static void
send_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Chunk *chunk = user_data;
  FmUploadJob *self = chunk->job;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = fm_chunk_sender_post_finish (FM_CHUNK_SENDER (source), result, &error);
  g_autoptr(FmChunkPost) post = g_steal_pointer (&chunk->post);
  guint status = fm_chunk_post_get_status (post);

  fm_client_release_upload_slot (self->client, chunk->slot);
  g_clear_pointer (&chunk->slot, g_free);
  if (chunk_is_stale (chunk))
    {
      _fm_upload_job_chunk_free (chunk);
      return;
    }
  g_ptr_array_remove_fast (self->sending, chunk);
  self->n_sending--;
  if (body != NULL)
    error = upload_response_error (post, body);
  if (error == NULL)
    {
      acknowledge (self, chunk);
      _fm_upload_job_chunk_free (chunk);
      _fm_upload_job_pump (self);
      return;
    }
  /* An HTTP status decides by itself (406, 449, 5xx: again); otherwise the
   * error does (the network: again; the server's JSON refusal: stop). */
  if ((body != NULL && status != SOUP_STATUS_OK
       ? fm_retry_policy_classify (status, NULL)
       : fm_retry_policy_classify (0, error)) == FM_RETRY_PERMANENT)
    {
      _fm_upload_job_chunk_free (chunk);
      _fm_upload_job_fail (self, g_steal_pointer (&error));
      return;
    }
  if (chunk_failure_is_retried (self, chunk, error))
    _fm_upload_job_pump (self);
}

static void
send_chunk (FmUploadJob *self,
            Chunk       *chunk)
{
  g_autofree char *uri = upload_uri (self, chunk);
  g_autoptr(FmChunkData) data = g_steal_pointer (&chunk->data);

  /* The body is the file's region, read again as it is sent and as the
   * client's upload limit allows (a limit set now paces this chunk too).
   * The request holds the pool's token: the next chunk is hashed when
   * this one's answer is in. */
  chunk->post = fm_chunk_post_new (uri, data->path, data->offset, data->length, data->slot,
                                   fm_client_get_upload_limit (self->client));
  g_ptr_array_add (self->sending, chunk);
  self->current_file = chunk_file (chunk)->name;
  self->n_sending++;
  chunk->slot = g_strdup (self->ticket->url);
  /* The reference's answer is an empty body; an error is a small JSON
   * object. No deadline: a 50 MB chunk on a slow uplink takes minutes, and
   * the socket's idle timeout catches a silent server. */
  fm_chunk_sender_post_async (fm_client_get_chunk_sender (self->client), chunk->post, CHUNK_ANSWER_MAX,
                              self->cancellable, send_done_cb, chunk);
}

/* Keeps `parallel` chunks on the wire and the pool's other buffers filled
 * with the next chunks, read and hashed ahead. */
void
_fm_upload_job_pump (FmUploadJob *self)
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
    _fm_upload_job_complete (self);
}

/* Another request to an upload host ended (this job's or another's): a
 * chunk waiting for a slot may go. From an idle: never inside the
 * callback that released it. */
static gboolean
slot_idle_cb (gpointer data)
{
  FmUploadJob *self = data;

  self->slot_idle = 0;
  _fm_upload_job_pump (self);
  return G_SOURCE_REMOVE;
}

void
_fm_upload_job_slot_freed_cb (FmUploadJob *self)
{
  if (self->state == FM_UPLOAD_STATE_UPLOADING && !g_queue_is_empty (&self->ready) && self->slot_idle == 0)
    self->slot_idle = g_idle_add (slot_idle_cb, self);
}

gboolean
_fm_upload_job_pool_released_cb (gpointer data)
{
  _fm_upload_job_pump (data);
  return G_SOURCE_REMOVE;
}

/* Seconds until the soonest chunk waiting out a backoff, or a failed
 * initialize or complete, tries again; 0 when nothing waits. */
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
