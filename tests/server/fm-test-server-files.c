/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-test-server-files.c: chunk uploads (/api/file/add on the upload
 * listener: the reference's chunking rules, MD5s, faults) and downloads
 * (Range, cut connections) of the test server. */
#define G_LOG_DOMAIN "fm-test-server"

#include "fm-test-server-private.h"

/* -------------------------------------------------------------- uploads */

typedef enum {
  FAULT_NONE,
  FAULT_406,
  FAULT_449,
  FAULT_500,
  FAULT_DROP,
} Fault;

typedef struct {
  File       *file;
  int         fd;
  gint64      chunk;
  gint64      received;
  gboolean    duplicate;    /* chunk already stored: verify, do not write */
  EVP_MD_CTX *md5;
  char       *md5_param;
  int         error_code;
  char       *error_message;
  Fault       fault;
  gboolean    dropped;
} Upload;

static void
upload_free (Upload *u)
{
  if (u->fd >= 0)
    close (u->fd);
  if (u->md5 != NULL)
    EVP_MD_CTX_free (u->md5);
  g_free (u->md5_param);
  g_free (u->error_message);
  g_free (u);
}

static void G_GNUC_PRINTF (3, 4)
upload_fail (Upload     *u,
             int         code,
             const char *format,
             ...)
{
  va_list args;

  if (u->error_code != 0)
    return;
  u->error_code = code;
  va_start (args, format);
  u->error_message = g_strdup_vprintf (format, args);
  va_end (args);
}

static Fault
pick_fault (FmTestServer *self)
{
  Fault enabled[4];
  guint n = 0;

  if (self->fault_rate <= 0 || g_rand_double (self->rand) >= self->fault_rate)
    return FAULT_NONE;
  if (self->fault_406) enabled[n++] = FAULT_406;
  if (self->fault_449) enabled[n++] = FAULT_449;
  if (self->fault_500) enabled[n++] = FAULT_500;
  if (self->fault_drop) enabled[n++] = FAULT_DROP;
  if (n == 0)
    return FAULT_NONE;
  self->faults_injected++;
  return enabled[g_rand_int_range (self->rand, 0, (gint32) n)];
}

static File *
file_for_upload (FmTestServer *self,
                 Transfer     *t,
                 const char   *name,
                 gint64        chunk_size,
                 gint64        chunks,
                 Upload       *u)
{
  File *f = t->file_by_name != NULL ? g_hash_table_lookup (t->file_by_name, name) : NULL;

  /* the transfer's file of that name, if it has one that is not deleted
   * (a renamed file is named again under its new name) */
  if (f != NULL && !f->deleted && g_strcmp0 (f->name, name) == 0)
    {
      if (f->chunk_size != chunk_size || f->chunks != chunks)
        {
          upload_fail (u, 1002, "chunksize and chunks must stay the same for every chunk of a file");
          return NULL;
        }
      return f;
    }
  f = g_new0 (File, 1);
  f->transfer = t;
  f->id = fm_ts_random_id (self, "0123456789abcdef", 32);
  f->name = g_strdup (name);
  f->path = g_build_filename (self->root, t->id, f->id, NULL);
  f->chunk_size = chunk_size;
  f->chunks = chunks;
  f->received = g_new0 (guint8, chunks);
  f->receipts = g_new0 (guint, chunks);
  g_ptr_array_add (t->files, f);
  fm_ts_transfer_name_file (t, f);
  g_hash_table_insert (self->files, f->id, f);
  return f;
}

/* Chunk arithmetic per the reference: a constant chunksize within 5–50 MB
 * when a file goes in several chunks ("Pick a chunk size in the range of
 * 5...50MB"; a file in one chunk may name any size up to 50 MB),
 * chunks = ceil(size / chunksize) (1 for an empty file), a 0-based chunk.
 * Without chunk parameters the body is the whole file, at most 50 MB. */
static gboolean
parse_chunking (FmTestServer *self,
                GHashTable   *q,
                goffset       content_length,
                gint64       *chunk_size,
                gint64       *chunks,
                gint64       *chunk,
                Upload       *u)
{
  gboolean any = fm_ts_param (q, "chunksize") || fm_ts_param (q, "chunks") || fm_ts_param (q, "chunk");

  if (!any)
    {
      if (content_length < 0 || content_length > MAX_CHUNK_SIZE)
        {
          upload_fail (u, 1002, "An upload without chunks must have a Content-Length of at most 50 MB");
          return FALSE;
        }
      *chunk_size = MAX_CHUNK_SIZE;
      *chunks = 1;
      *chunk = 0;
      return TRUE;
    }
  if (!fm_ts_parse_int (fm_ts_param (q, "chunksize"), 1, MAX_CHUNK_SIZE, chunk_size))
    {
      upload_fail (u, 1002, "chunksize must be at most 50000000 bytes");
      return FALSE;
    }
  if (!fm_ts_parse_int (fm_ts_param (q, "chunks"), 1, G_MAXINT64 / *chunk_size, chunks) || *chunks > G_MAXINT32)
    {
      upload_fail (u, 1002, "chunks must be a positive number");
      return FALSE;
    }
  if (*chunks > 1 && *chunk_size < self->min_chunk_size)
    {
      upload_fail (u, 1002, "chunksize must be between %" G_GINT64_FORMAT " and 50000000 bytes",
                   self->min_chunk_size);
      return FALSE;
    }
  if (!fm_ts_parse_int (fm_ts_param (q, "chunk"), 0, *chunks - 1, chunk))
    {
      upload_fail (u, 1002, "chunk must be between 0 and chunks - 1");
      return FALSE;
    }
  return TRUE;
}

static Transfer *
transfer_for_upload (FmTestServer *self,
                     GHashTable   *q,
                     Upload       *u)
{
  const char *names[] = { "transferid", "transferkey", "thefilename" };
  Transfer *t;

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    if (fm_ts_param (q, names[i]) == NULL)
      {
        upload_fail (u, 1003, "Required parameter missing: \"%s\"", names[i]);
        return NULL;
      }
  t = g_hash_table_lookup (self->transfers, fm_ts_param (q, "transferid"));
  if (t == NULL || t->deleted)
    {
      upload_fail (u, 1005, "Transfer not found");
      return NULL;
    }
  if (g_strcmp0 (t->key, fm_ts_param (q, "transferkey")) != 0)
    {
      upload_fail (u, 2008, "Wrong transfer key");
      return NULL;
    }
  if (fm_ts_transfer_is_expired (t))
    {
      upload_fail (u, 4001, "The transfer has expired");
      return NULL;
    }
  if (g_strcmp0 (t->status, "STATUS_INITIALIZED") != 0)
    {
      upload_fail (u, 3100, "Files can only be added before the transfer is complete");
      return NULL;
    }
  return t;
}

static void
upload_open (FmTestServer      *self,
             SoupServerMessage *msg,
             Upload            *u)
{
  GUri *uri = soup_server_message_get_uri (msg);
  g_autoptr(GHashTable) q = g_uri_get_query (uri) ? soup_form_decode (g_uri_get_query (uri))
                                                  : g_hash_table_new (g_str_hash, g_str_equal);
  goffset length = soup_message_headers_get_content_length (soup_server_message_get_request_headers (msg));
  gint64 chunk_size = 0, chunks = 0;
  Transfer *t = transfer_for_upload (self, q, u);
  g_autofree char *dir = NULL;

  if (t == NULL || !parse_chunking (self, q, length, &chunk_size, &chunks, &u->chunk, u))
    return;
  u->file = file_for_upload (self, t, fm_ts_param (q, "thefilename"), chunk_size, chunks, u);
  if (u->file == NULL)
    return;
  u->duplicate = u->file->received[u->chunk];
  u->md5_param = g_strdup (fm_ts_param (q, "md5"));
  dir = g_path_get_dirname (u->file->path);
  g_mkdir_with_parents (dir, 0700);
  u->fd = open (u->file->path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (u->fd < 0)
    upload_fail (u, 6008, "Cannot store the file: %s", g_strerror (errno));
}

static void
upload_got_chunk_cb (SoupServerMessage *msg,
                     GBytes            *chunk,
                     Upload            *u)
{
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (chunk, &len);
  gint64 offset = u->chunk * (u->file ? u->file->chunk_size : 0) + u->received;

  if (u->dropped || (u->fault != FAULT_NONE && u->fault != FAULT_DROP) || u->error_code != 0)
    return;
  if (u->fault == FAULT_DROP)
    {
      /* Cut the connection mid-body, as a dying Wi-Fi would. */
      u->dropped = TRUE;
      g_socket_shutdown (soup_server_message_get_socket (msg), TRUE, TRUE, NULL);
      return;
    }
  if (u->received + (gint64) len > u->file->chunk_size)
    {
      upload_fail (u, 1002, "The chunk is larger than chunksize");
      return;
    }
  EVP_DigestUpdate (u->md5, data, len);
  u->received += len;
  if (u->duplicate)
    return;
  /* All-zero pieces are left as holes: a 6 GiB sparse test file stays
   * sparse on the server's disk and reads back the same. */
  for (gsize i = 0; i < len; i++)
    if (data[i] != 0)
      {
        for (gsize done = 0; done < len;)
          {
            ssize_t n = pwrite (u->fd, data + done, len - done, offset + done);
            if (n < 0 && errno == EINTR)
              continue;
            if (n <= 0)
              {
                upload_fail (u, 6008, "Cannot store the file: %s", g_strerror (errno));
                return;
              }
            done += n;
          }
        break;
      }
}

static void
upload_finished_cb (FmTestServer *self)
{
  if (self->uploads_in_flight > 0)
    self->uploads_in_flight--;
}

static void
upload_got_headers_cb (SoupServerMessage *msg,
                       FmTestServer      *self)
{
  GUri *uri = soup_server_message_get_uri (msg);
  Upload *u;

  if (g_strcmp0 (g_uri_get_path (uri), UPLOAD_PATH) != 0 ||
      g_strcmp0 (soup_server_message_get_method (msg), SOUP_METHOD_POST) != 0)
    return;
  self->upload_requests++;
  self->uploads_in_flight++;
  self->uploads_in_flight_max = MAX (self->uploads_in_flight_max, self->uploads_in_flight);
  g_signal_connect_swapped (msg, "finished", G_CALLBACK (upload_finished_cb), self);
  u = g_new0 (Upload, 1);
  u->fd = -1;
  u->md5 = EVP_MD_CTX_new ();
  EVP_DigestInit_ex (u->md5, EVP_md5 (), NULL);
  g_object_set_data_full (G_OBJECT (msg), "upload", u, (GDestroyNotify) upload_free);
  /* Stream the body: never hold a whole chunk in memory. */
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  upload_open (self, msg, u);
  u->fault = pick_fault (self);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (upload_got_chunk_cb), u);
}

/* A connection SoupServer let go of: no longer one to shut down at the
 * end. The set holds no reference (one would keep the descriptor open:
 * 20,000 connections ran the server out of them). */
void
fm_ts_socket_gone_cb (gpointer  data,
                      GObject  *socket)
{
  FmTestServer *self = data;

  g_hash_table_remove (self->sockets, socket);
}

void
fm_ts_request_started_cb (SoupServer        *server,
                    SoupServerMessage *msg,
                    FmTestServer      *self)
{
  GSocket *socket = soup_server_message_get_socket (msg);

  if (socket != NULL && !g_hash_table_contains (self->sockets, socket))
    {
      g_hash_table_add (self->sockets, socket);
      g_object_weak_ref (G_OBJECT (socket), fm_ts_socket_gone_cb, self);
    }
  g_signal_connect (msg, "got-headers", G_CALLBACK (upload_got_headers_cb), self);
}

static char *
md5_base64 (EVP_MD_CTX *ctx)
{
  guchar digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;

  EVP_DigestFinal_ex (ctx, digest, &len);
  return g_base64_encode (digest, len);
}

static void
accept_chunk (Upload *u)
{
  File *f = u->file;

  if (!f->received[u->chunk])
    {
      f->received[u->chunk] = 1;
      f->n_received++;
    }
  f->receipts[u->chunk]++;
  if (u->chunk == f->chunks - 1)
    {
      f->size = (f->chunks - 1) * f->chunk_size + u->received;
      if (ftruncate (u->fd, f->size) != 0)
        g_warning ("ftruncate: %s", g_strerror (errno));
    }
}

static gboolean
check_chunk_length (Upload *u)
{
  File *f = u->file;
  gboolean last = u->chunk == f->chunks - 1;

  if (!last && u->received != f->chunk_size)
    upload_fail (u, 1002, "Chunk %" G_GINT64_FORMAT " has %" G_GINT64_FORMAT
                 " bytes; every chunk but the last must have chunksize bytes", u->chunk, u->received);
  else if (last && u->received == 0 && f->chunks != 1)
    upload_fail (u, 1002, "The last chunk is empty: chunks must be ceil(size / chunksize)");
  return u->error_code == 0;
}

void
fm_ts_handle_upload (FmTestServer      *self,
               SoupServerMessage *msg)
{
  Upload *u = g_object_get_data (G_OBJECT (msg), "upload");
  g_autofree char *md5 = NULL;

  if (u == NULL)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
      return;
    }
  switch (u->fault)
    {
    case FAULT_406: return soup_server_message_set_status (msg, 406, "Not Acceptable");
    case FAULT_449: return soup_server_message_set_status (msg, 449, "Retry With");
    case FAULT_500: return soup_server_message_set_status (msg, 500, "Internal Server Error");
    case FAULT_DROP: return soup_server_message_set_status (msg, 500, "Dropped");
    case FAULT_NONE: break;
    }
  if (u->error_code == 0)
    check_chunk_length (u);
  if (u->error_code != 0)
    {
      fm_ts_respond_error (msg, u->error_code, "%s", u->error_message);
      return;
    }
  md5 = md5_base64 (u->md5);
  if (u->md5_param == NULL)
    self->chunks_without_md5++;
  else if (g_strcmp0 (md5, u->md5_param) != 0)
    {
      soup_server_message_set_status (msg, 449, "Retry With");
      return;
    }
  accept_chunk (u);
  self->bytes_received += u->received;
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
}

/* ------------------------------------------------------------ downloads */

static File *
lookup_download (FmTestServer      *self,
                 SoupServerMessage *msg,
                 GHashTable        *params)
{
  File *f = g_hash_table_lookup (self->files, fm_ts_param (params, "fileid") ? fm_ts_param (params, "fileid") : "");

  if (f == NULL || f->transfer->deleted || g_strcmp0 (f->transfer->download_key, fm_ts_param (params, "dk")) != 0)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      return NULL;
    }
  if (f->deleted)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_GONE, NULL);
      return NULL;
    }
  if (fm_ts_transfer_is_expired (f->transfer) || g_strcmp0 (f->transfer->status, "STATUS_COMPLETE") != 0)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      return NULL;
    }
  return f;
}

static gboolean
drop_connection_cb (gpointer data)
{
  GSocket *socket = soup_server_message_get_socket (data);

  if (socket != NULL)
    g_socket_shutdown (socket, TRUE, TRUE, NULL);
  return G_SOURCE_REMOVE;
}

/* Announces the whole range, sends half, then drops the connection: what
 * a download sees when the Wi-Fi dies. */
static void
cut_download (FmTestServer      *self,
              SoupServerMessage *msg,
              GBytes            *all,
              gint64             start,
              gint64             end)
{
  g_autoptr(GBytes) half = g_bytes_new_from_bytes (all, start, (end - start + 1) / 2);

  self->download_drops--;
  self->faults_injected++;
  soup_message_headers_set_content_length (soup_server_message_get_response_headers (msg),
                                           end - start + 1);
  soup_message_body_append_bytes (soup_server_message_get_response_body (msg), half);
  g_timeout_add_full (G_PRIORITY_DEFAULT, 200, drop_connection_cb, g_object_ref (msg), g_object_unref);
}

/* --connection-rate: each answer sent at most so fast, a slice every
 * PACE_MS, as over a far or shaped path where every connection is held to
 * a rate and only more connections go faster. */
#define PACE_MS 10

typedef struct {
  FmTestServer      *server;
  SoupServerMessage *msg;
  GBytes            *data;
  gsize              sent;
  guint              timer;
  gint64             started;
} Pace;

static void
pace_stop (Pace *pace)
{
  if (pace->timer == 0)
    return;
  g_clear_handle_id (&pace->timer, g_source_remove);
  pace->server->downloads_in_flight--;
}

static void
pace_free (gpointer data)
{
  Pace *pace = data;

  pace_stop (pace);
  g_bytes_unref (pace->data);
  g_free (pace);
}

static gboolean
pace_tick_cb (gpointer data)
{
  Pace *pace = data;
  gsize size = g_bytes_get_size (pace->data);
  gint64 elapsed = g_get_monotonic_time () - pace->started;
  gsize due = (gsize) MIN ((double) size, (double) pace->server->connection_rate * (double) elapsed / G_USEC_PER_SEC);
  SoupMessageBody *body = soup_server_message_get_response_body (pace->msg);

  if (due > pace->sent)
    {
      g_autoptr(GBytes) slice = g_bytes_new_from_bytes (pace->data, pace->sent, due - pace->sent);

      soup_message_body_append_bytes (body, slice);
      pace->sent = due;
    }
  if (pace->sent == size)
    {
      soup_message_body_complete (body);
      soup_server_message_unpause (pace->msg);
      pace_stop (pace);
      return G_SOURCE_REMOVE;
    }
  soup_server_message_unpause (pace->msg);
  return G_SOURCE_CONTINUE;
}

static void
pace_download (FmTestServer      *self,
               SoupServerMessage *msg,
               GBytes            *data)
{
  Pace *pace = g_new0 (Pace, 1);

  pace->server = self;
  pace->msg = msg;
  pace->data = g_bytes_ref (data);
  pace->started = g_get_monotonic_time ();
  soup_message_headers_set_content_length (soup_server_message_get_response_headers (msg), g_bytes_get_size (data));
  soup_server_message_pause (msg);
  pace->timer = g_timeout_add (PACE_MS, pace_tick_cb, pace);
  self->downloads_in_flight++;
  self->downloads_in_flight_max = MAX (self->downloads_in_flight_max, self->downloads_in_flight);
  /* the message owns the pace: it stops when the client hangs up */
  g_object_set_data_full (G_OBJECT (msg), "fm-pace", pace, pace_free);
  g_signal_connect_swapped (msg, "disconnected", G_CALLBACK (pace_stop), pace);
  g_signal_connect_swapped (msg, "finished", G_CALLBACK (pace_stop), pace);
}

/* One byte range per request, as download managers resume with. */
void
fm_ts_handle_download (FmTestServer      *self,
                 SoupServerMessage *msg,
                 GHashTable        *params)
{
  File *f = lookup_download (self, msg, params);
  SoupMessageHeaders *req = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *resp = soup_server_message_get_response_headers (msg);
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GBytes) all = NULL;
  g_autofree char *escaped = NULL, *disposition = NULL;
  SoupRange *ranges = NULL;
  int n_ranges = 0;
  gint64 start = 0, end;

  if (f == NULL)
    return;
  end = f->size - 1;
  if (f->size > 0)
    {
      mapped = g_mapped_file_new (f->path, FALSE, NULL);
      if (mapped == NULL)
        {
          soup_server_message_set_status (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, NULL);
          return;
        }
      all = g_mapped_file_get_bytes (mapped);
    }
  if (!self->no_ranges && soup_message_headers_get_ranges (req, f->size, &ranges, &n_ranges))
    {
      start = ranges[0].start;
      end = ranges[0].end;
      soup_message_headers_free_ranges (req, ranges);
      if (n_ranges != 1 || start > end || end >= f->size)
        {
          soup_server_message_set_status (msg, SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE, NULL);
          return;
        }
      soup_message_headers_set_content_range (resp, start, end, f->size);
      soup_server_message_set_status (msg, SOUP_STATUS_PARTIAL_CONTENT, NULL);
      self->range_requests++;
    }
  else if (soup_message_headers_get_one (req, "Range") != NULL && f->size == 0)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE, NULL);
      return;
    }
  else
    soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  if (start == 0)
    f->transfer->downloads++;

  escaped = g_uri_escape_string (f->name, NULL, FALSE);
  disposition = g_strdup_printf ("attachment; filename*=UTF-8''%s", escaped);
  soup_message_headers_replace (resp, "Content-Disposition", disposition);
  soup_message_headers_set_content_type (resp, "application/octet-stream", NULL);
  if (!self->no_ranges)
    soup_message_headers_replace (resp, "Accept-Ranges", "bytes");
  if (all != NULL && end >= start && self->download_drops > 0 && end > start)
    {
      cut_download (self, msg, all, start, end);
      return;
    }
  if (all != NULL && end >= start && self->connection_rate > 0)
    {
      g_autoptr(GBytes) slice = g_bytes_new_from_bytes (all, start, end - start + 1);
      pace_download (self, msg, slice);
      return;
    }
  if (all != NULL && end >= start)
    {
      g_autoptr(GBytes) slice = g_bytes_new_from_bytes (all, start, end - start + 1);
      soup_message_body_append_bytes (soup_server_message_get_response_body (msg), slice);
    }
  soup_message_body_complete (soup_server_message_get_response_body (msg));
}

