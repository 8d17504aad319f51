/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-chunk-sender.c: a chunk's POST, written close to the socket (see the
 * header for why) */
#define G_LOG_DOMAIN "fm-chunk-sender"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/sendfile.h>
#include <unistd.h>

#include <libsoup/soup.h>

#include "fm-chunk-conn.h"
#include "fm-chunk-io.h"
#include "fm-chunk-sender.h"
#include "fm-error.h"
#include "fm-http.h"

#define IDLE_MAX_US     (30 * G_USEC_PER_SEC)   /* a kept connection older than this is not trusted */
/* A kept connection carries another request only after it has been quiet
 * this long since its answer: an answer nobody asked for (a stale or
 * extra "200" the host sends after the real one) shows in that time, and
 * the connection is dropped instead of taking it for the next chunk's.
 * Fresher connections wait in the pool while new ones carry the chunks,
 * so a fast upload rotates through a few more connections, not more
 * handshakes per chunk once they exist. */
#define REUSE_GRACE_US  (100 * 1000)
#define REUSE_POOL      8                   /* quiet kept connections before the grace gives way */
#define MAX_IDLE        32                  /* kept connections per host (a fast run of small
                                               chunks rotates through them, quiet ones first) */
#define MAX_INTERIM     8                   /* 1xx answers before the real one */
#define WRITE_SIZE      (256 * 1024)        /* one pread + one write (16 TLS records) */
#define SENDFILE_SIZE   (4 * 1024 * 1024)
#define HEAD_MAX        (64 * 1024)
#define READ_SIZE       (16 * 1024)

struct _FmChunkPost
{
  gatomicrefcount ref;
  GUri          *uri;
  char          *path;
  gint64         offset;
  gint64         length;
  GBytes        *token;     /* the buffer pool's: held until the answer */
  FmRateLimiter *limiter;
  gint64         sent;      /* atomic: written by the worker, read by anyone */
  guint          tls_errors;
  guint          status;
  char          *reason;
};

struct _FmChunkSender
{
  GObject       parent_instance;

  char         *user_agent;
  GMutex        lock;
  GTlsDatabase *database;   /* NULL: the system's */
  GHashTable   *idle;       /* "scheme://host:port" -> GQueue of Idle */
  guint         connections_made;
  guint         answer_timeout;   /* seconds for a whole answer once the body is sent; 0: none */
};

typedef struct {
  FmChunkConn *conn;
  gint64       since;
} Idle;

typedef struct {
  FmChunkPost *post;
  gsize        max_answer;
} PostData;

G_DEFINE_FINAL_TYPE (FmChunkSender, fm_chunk_sender, G_TYPE_OBJECT)

/* ----------------------------------------------------------------- post */

FmChunkPost *
fm_chunk_post_new (const char    *uri,
                   const char    *path,
                   gint64         offset,
                   gint64         length,
                   GBytes        *token,
                   FmRateLimiter *limiter)
{
  FmChunkPost *post = g_new0 (FmChunkPost, 1);

  g_atomic_ref_count_init (&post->ref);
  post->uri = g_uri_parse (uri, G_URI_FLAGS_ENCODED, NULL);
  post->path = g_strdup (path);
  post->offset = offset;
  post->length = length;
  post->token = token != NULL ? g_bytes_ref (token) : NULL;
  post->limiter = limiter != NULL ? g_object_ref (limiter) : NULL;
  return post;
}

FmChunkPost *
fm_chunk_post_ref (FmChunkPost *post)
{
  g_atomic_ref_count_inc (&post->ref);
  return post;
}

void
fm_chunk_post_unref (FmChunkPost *post)
{
  if (!g_atomic_ref_count_dec (&post->ref))
    return;
  g_clear_pointer (&post->uri, g_uri_unref);
  g_clear_pointer (&post->token, g_bytes_unref);
  g_clear_object (&post->limiter);
  g_free (post->path);
  g_free (post->reason);
  g_free (post);
}

gint64
fm_chunk_post_get_sent (FmChunkPost *post)
{
  return __atomic_load_n (&post->sent, __ATOMIC_RELAXED);
}

static void
set_sent (FmChunkPost *post,
          gint64       sent)
{
  __atomic_store_n (&post->sent, sent, __ATOMIC_RELAXED);
}

/* After fm_chunk_sender_post_finish() returned an answer. */
guint
fm_chunk_post_get_status (FmChunkPost *post)
{
  return post->status;
}

const char *
fm_chunk_post_get_reason (FmChunkPost *post)
{
  return post->reason != NULL ? post->reason : "";
}

static void
post_data_free (PostData *data)
{
  fm_chunk_post_unref (data->post);
  g_free (data);
}

/* ------------------------------------------------------------- helpers */

static gboolean
protocol_error (GError     **error,
                const char  *what)
{
  g_set_error (error, FM_ERROR, FM_ERROR_PROTOCOL, "%s (%s)", fm_error_get_message (FM_ERROR_PROTOCOL), what);
  return FALSE;
}

static gboolean
errno_error (GError     **error,
             int          errsv)
{
  g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (errsv), g_strerror (errsv));
  return FALSE;
}

/* Bytes a server address may put on the request line or in Host: no
 * controls, no spaces (a CR LF there would be a second request). */
static gboolean
is_wire_safe (const char *text)
{
  for (const char *p = text; p != NULL && *p != '\0'; p++)
    if ((guchar) *p <= 0x20 || (guchar) *p >= 0x7f)
      return FALSE;
  return TRUE;
}

static char *
host_key (GUri *uri)
{
  return g_strdup_printf ("%s://%s:%d", fm_chunk_uri_is_https (uri) ? "https" : "http", g_uri_get_host (uri), fm_chunk_uri_port (uri));
}

/* Waits @wait_us or until @cancellable is cancelled. */
static gboolean
pause_for (gint64         wait_us,
           GCancellable  *cancellable,
           GError       **error)
{
  GPollFD pollfd;

  if (cancellable != NULL && g_cancellable_make_pollfd (cancellable, &pollfd))
    {
      g_poll (&pollfd, 1, (int) MAX (1, (wait_us + 999) / 1000));
      g_cancellable_release_fd (cancellable);
    }
  else
    g_usleep ((gulong) wait_us);
  return !g_cancellable_set_error_if_cancelled (cancellable, error);
}

/* ---------------------------------------------------------- connections */

static void
idle_free (Idle *idle)
{
  fm_chunk_conn_free (idle->conn);
  g_free (idle);
}

static void
idle_queue_free (GQueue *queue)
{
  g_queue_free_full (queue, (GDestroyNotify) idle_free);
}

/* "scheme://host:port" -> GQueue of Idle, freed with its connections */
static GHashTable *
new_idle_table (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) idle_queue_free);
}

/* A kept connection, if one has been quiet for REUSE_GRACE_US and is not
 * too old: the server sends nothing unasked, so anything readable is its
 * close, or an answer to nothing (never to be read as the next one's).
 * The oldest first: they have had the longest time to show it. */
static FmChunkConn *
take_idle (FmChunkSender *self,
           GUri          *uri)
{
  g_autofree char *key = host_key (uri);
  g_autoptr(GPtrArray) stale = g_ptr_array_new_with_free_func ((GDestroyNotify) idle_free);
  gint64 now = g_get_monotonic_time ();
  FmChunkConn *conn = NULL;

  g_mutex_lock (&self->lock);
  {
    GQueue *queue = g_hash_table_lookup (self->idle, key);
    GList *l = queue != NULL ? queue->head : NULL;

    while (conn == NULL && l != NULL)
      {
        Idle *idle = l->data;
        GList *next = l->next;

        if (now - idle->since > IDLE_MAX_US || !fm_chunk_conn_is_quiet (idle->conn))
          {
            g_queue_delete_link (queue, l);
            g_ptr_array_add (stale, idle);
          }
        else if (now - idle->since >= REUSE_GRACE_US)
          {
            g_queue_delete_link (queue, l);
            conn = g_steal_pointer (&idle->conn);
            g_free (idle);
          }
        l = next;
      }
    /* Chunks answered faster than the grace (small files on a fast
     * link) would open a connection per chunk, a TLS handshake each and
     * thousands of sockets on the server: with REUSE_POOL quiet ones kept
     * already, the oldest carries the next chunk. The grace then holds
     * for an answer to nothing sent later than the pool's rotation. */
    if (conn == NULL && queue != NULL && g_queue_get_length (queue) >= REUSE_POOL)
      {
        Idle *idle = g_queue_pop_head (queue);

        conn = g_steal_pointer (&idle->conn);
        g_free (idle);
      }
  }
  g_mutex_unlock (&self->lock);
  return conn;
}

static void
put_idle (FmChunkSender *self,
          GUri          *uri,
          FmChunkConn   *conn)
{
  char *key = host_key (uri);
  Idle *idle = g_new0 (Idle, 1);
  Idle *oldest = NULL;
  GQueue *queue;

  idle->conn = conn;
  idle->since = g_get_monotonic_time ();
  g_mutex_lock (&self->lock);
  queue = g_hash_table_lookup (self->idle, key);
  if (queue == NULL)
    {
      queue = g_queue_new ();
      g_hash_table_insert (self->idle, g_steal_pointer (&key), queue);
    }
  g_queue_push_tail (queue, idle);
  if (g_queue_get_length (queue) > MAX_IDLE)
    oldest = g_queue_pop_head (queue);
  g_mutex_unlock (&self->lock);
  g_free (key);
  if (oldest != NULL)
    idle_free (oldest);
}

static GTlsDatabase *
dup_database (FmChunkSender *self)
{
  GTlsDatabase *database;

  g_mutex_lock (&self->lock);
  database = self->database != NULL ? g_object_ref (self->database) : NULL;
  g_mutex_unlock (&self->lock);
  return database;
}

/* ------------------------------------------------------------- request */

static GString *
request_head (FmChunkSender  *self,
              FmChunkPost    *post,
              GError        **error)
{
  GUri *uri = post->uri;
  const char *host = g_uri_get_host (uri);
  const char *path = g_uri_get_path (uri);
  const char *query = g_uri_get_query (uri);
  GString *head;

  if (host == NULL || *host == '\0' || !is_wire_safe (host) || !is_wire_safe (path) || !is_wire_safe (query))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_URL, "%s", fm_error_get_message (FM_ERROR_INVALID_URL));
      return NULL;
    }
  head = g_string_sized_new (512);
  g_string_append_printf (head, "POST %s%s%s HTTP/1.1\r\n", *path != '\0' ? path : "/",
                          query != NULL ? "?" : "", query != NULL ? query : "");
  g_string_append_printf (head, strchr (host, ':') != NULL ? "Host: [%s]" : "Host: %s", host);
  if (g_uri_get_port (uri) > 0 && g_uri_get_port (uri) != (fm_chunk_uri_is_https (uri) ? 443 : 80))
    g_string_append_printf (head, ":%d", g_uri_get_port (uri));
  g_string_append_printf (head,
                          "\r\n"
                          "User-Agent: %s\r\n"
                          "Content-Type: application/octet-stream\r\n"
                          "Content-Length: %" G_GINT64_FORMAT "\r\n"
                          "Accept-Encoding: identity\r\n"
                          "\r\n",
                          self->user_agent, post->length);
  return head;
}

/* The body from the page cache: sendfile while there is no limit and the
 * connection is a plain socket; otherwise pread into one buffer and write
 * it, as much at a time as the limit allows. A limit set meanwhile paces
 * the rest of this chunk. */
typedef struct {
  FmChunkPost   *post;
  int            fd;
  FmChunkConn   *conn;
  gboolean       plain;    /* http: sendfile may be used */
  guint8        *buffer;
  gint64         done;
} Body;

static gboolean
region_ended (Body     *body,
              ssize_t   n,
              GError  **error)
{
  /* nothing where the hashed bytes were: the file got shorter */
  return n == 0 ? fm_file_error_changed (error, body->post->path)
                : fm_file_error_unreadable (error, body->post->path, errno);
}

static gboolean
body_sendfile (Body          *body,
               gint64         want,
               GCancellable  *cancellable,
               GError       **error)
{
  for (;;)
    {
      off_t offset = (off_t) (body->post->offset + body->done);
      ssize_t n = sendfile (g_socket_get_fd (fm_chunk_conn_get_socket (body->conn)), body->fd, &offset, (size_t) want);

      if (n > 0)
        {
          body->done += n;
          return TRUE;
        }
      if (n == 0)
        return region_ended (body, 0, error);
      if (errno == EINTR)
        continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK)
        {
          int errsv = errno;

          /* sendfile on a socket the server closed: an error here, not a
           * SIGPIPE for the process (blocked in the worker) */
          return errno_error (error, errsv);
        }
      /* the socket's timeout bounds the wait: a server that stops reading */
      if (!g_socket_condition_timed_wait (fm_chunk_conn_get_socket (body->conn), G_IO_OUT, -1, cancellable, error))
        return FALSE;
    }
}

static gboolean
body_write (Body          *body,
            gint64         want,
            GCancellable  *cancellable,
            GError       **error)
{
  gsize got = 0;

  if (body->buffer == NULL)
    body->buffer = g_malloc (WRITE_SIZE);
  while (got < (gsize) want)
    {
      ssize_t n = pread (body->fd, body->buffer + got, (size_t) want - got, body->post->offset + body->done + (gint64) got);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return region_ended (body, n, error);
      got += (gsize) n;
    }
  if (!fm_chunk_conn_write_all (body->conn, body->buffer, got, cancellable, error))
    return FALSE;
  body->done += (gint64) got;
  return TRUE;
}

static gboolean
send_body (Body          *body,
           GCancellable  *cancellable,
           GError       **error)
{
  FmChunkPost *post = body->post;

  while (body->done < post->length)
    {
      guint64 rate = post->limiter != NULL ? fm_rate_limiter_get_rate (post->limiter) : 0;
      gint64 want = post->length - body->done;
      gboolean ok;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (rate > 0)
        {
          /* pieces of a twentieth of a second keep the pace even */
          gint64 wait_us;

          want = MIN (want, CLAMP ((gint64) rate / 20, 4096, WRITE_SIZE));
          wait_us = fm_rate_limiter_reserve (post->limiter, (gsize) want);
          if (wait_us > 0 && !pause_for (wait_us, cancellable, error))
            return FALSE;
        }
      if (rate == 0 && body->plain)
        ok = body_sendfile (body, MIN (want, SENDFILE_SIZE), cancellable, error);
      else
        ok = body_write (body, MIN (want, WRITE_SIZE), cancellable, error);
      if (!ok)
        return FALSE;
      set_sent (post, body->done);
    }
  return TRUE;
}

static gboolean
write_request (FmChunkSender  *self,
               FmChunkPost    *post,
               FmChunkConn    *conn,
               GCancellable   *cancellable,
               GError        **error)
{
  g_autoptr(GString) head = request_head (self, post, error);
  Body body = { post, -1, conn, !fm_chunk_conn_is_tls (conn), NULL, 0 };
  gboolean ok;

  if (head == NULL)
    return FALSE;
  body.fd = open (post->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (body.fd < 0)
    return fm_file_error_unreadable (error, post->path, errno);
  ok = fm_chunk_conn_write_all (conn, (const guint8 *) head->str, head->len, cancellable, error) &&
       send_body (&body, cancellable, error);
  close (body.fd);
  g_free (body.buffer);
  return ok;
}

/* -------------------------------------------------------------- answer */

typedef struct {
  FmChunkConn  *conn;       /* NULL: the buffer is all there is (fm_chunk_answer_parse) */
  GByteArray   *buf;
  gsize         pos;        /* bytes of buf already consumed */
  gboolean      answered;   /* a byte came back: the request reached the server */
} Reader;

/* At least @n unconsumed bytes in the buffer; the end of the stream
 * before them is an error. */
static gboolean
reader_fill (Reader        *r,
             gsize          n,
             GCancellable  *cancellable,
             GError       **error)
{
  while (r->buf->len - r->pos < n)
    {
      guint8 block[READ_SIZE];
      gssize got = r->conn != NULL ? fm_chunk_conn_read (r->conn, block, sizeof block, cancellable, error) : 0;

      if (got < 0)
        return FALSE;
      if (got == 0)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                               "the server closed the connection before its answer was complete");
          return FALSE;
        }
      r->answered = TRUE;
      g_byte_array_append (r->buf, block, (guint) got);
    }
  return TRUE;
}

/* Bytes up to and including the next CR LF (a chunk-size line). */
static char *
reader_line (Reader        *r,
             GCancellable  *cancellable,
             GError       **error)
{
  for (;;)
    {
      gsize have = r->buf->len - r->pos;
      const guint8 *start = have > 0 ? r->buf->data + r->pos : NULL;
      const guint8 *lf = have > 0 ? memchr (start, '\n', have) : NULL;

      if (lf != NULL)
        {
          char *line = g_strndup ((const char *) start, (gsize) (lf - start));

          r->pos += (gsize) (lf - start) + 1;
          g_strchomp (line);
          return line;
        }
      if (have > 1024)
        {
          protocol_error (error, "a chunk-size line longer than 1 kB");
          return NULL;
        }
      if (!reader_fill (r, have + 1, cancellable, error))
        return NULL;
    }
}

/* The head, up to its empty line: its length in the buffer from r->pos. */
static gboolean
read_head (Reader        *r,
           gsize         *head_length,
           GCancellable  *cancellable,
           GError       **error)
{
  for (;;)
    {
      gsize have = r->buf->len - r->pos;
      /* an empty array has no data pointer at all: no arithmetic on it */
      const guint8 *start = have > 0 ? r->buf->data + r->pos : NULL;

      for (gsize i = 3; i < have; i++)
        if (start[i] == '\n' && start[i - 1] == '\r' && start[i - 2] == '\n' && start[i - 3] == '\r')
          {
            *head_length = i + 1;
            return TRUE;
          }
      if (have >= HEAD_MAX)
        return protocol_error (error, "an answer head larger than 64 kB");
      if (!reader_fill (r, have + 1, cancellable, error))
        return FALSE;
    }
}

static gboolean
read_chunked (Reader        *r,
              GByteArray    *body,
              gsize          max_answer,
              GCancellable  *cancellable,
              GError       **error)
{
  for (;;)
    {
      g_autofree char *line = reader_line (r, cancellable, error);
      guint64 size = 0;
      char *end = NULL;

      if (line == NULL)
        return FALSE;
      size = g_ascii_strtoull (line, &end, 16);
      if (end == line || (*end != '\0' && *end != ';' && *end != ' '))
        return protocol_error (error, "a malformed chunk size");
      if (size > max_answer || body->len + size > max_answer)
        {
          g_propagate_error (error, fm_http_answer_too_large (max_answer));
          return FALSE;
        }
      if (size == 0)
        break;
      if (!reader_fill (r, (gsize) size + 2, cancellable, error))
        return FALSE;
      g_byte_array_append (body, r->buf->data + r->pos, (guint) size);
      if (memcmp (r->buf->data + r->pos + size, "\r\n", 2) != 0)
        return protocol_error (error, "a chunk not followed by CR LF");
      r->pos += (gsize) size + 2;
    }
  /* trailers, up to the empty line */
  for (guint i = 0; i < 64; i++)
    {
      g_autofree char *line = reader_line (r, cancellable, error);

      if (line == NULL)
        return FALSE;
      if (*line == '\0')
        return TRUE;
    }
  return protocol_error (error, "too many trailers");
}

static gboolean
read_to_end (Reader        *r,
             GByteArray    *body,
             gsize          max_answer,
             GCancellable  *cancellable,
             GError       **error)
{
  for (;;)
    {
      guint8 block[READ_SIZE];
      gssize got;

      if (r->buf->len > r->pos)
        g_byte_array_append (body, r->buf->data + r->pos, r->buf->len - (guint) r->pos);
      r->pos = r->buf->len;
      if (body->len > max_answer)
        {
          g_propagate_error (error, fm_http_answer_too_large (max_answer));
          return FALSE;
        }
      got = r->conn != NULL ? fm_chunk_conn_read (r->conn, block, sizeof block, cancellable, error) : 0;
      if (got < 0)
        return FALSE;
      if (got == 0)
        return TRUE;
      g_byte_array_append (r->buf, block, (guint) got);
    }
}

/* Reads the answer: its status into @post, its body (at most @max_answer)
 * returned; @keep says whether the connection may carry another request. */
static GBytes *
read_answer (FmChunkPost   *post,
             Reader        *r,
             gsize          max_answer,
             gboolean      *keep,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(SoupMessageHeaders) headers = NULL;
  g_autoptr(GByteArray) body = g_byte_array_new ();
  SoupHTTPVersion version = SOUP_HTTP_1_0;
  SoupEncoding encoding;
  gsize head_length = 0, head_total = 0;
  guint status = 0, interim = 0;
  char *reason = NULL;

  do
    {
      g_clear_pointer (&headers, soup_message_headers_unref);
      g_clear_pointer (&reason, g_free);
      /* a host that floods "100 Continue" gets a few, in 64 kB, and the
       * buffer keeps only what is not read yet */
      if (interim++ > MAX_INTERIM || head_total > HEAD_MAX)
        {
          protocol_error (error, "too many interim (1xx) answers");
          return NULL;
        }
      g_byte_array_remove_range (r->buf, 0, (guint) r->pos);
      r->pos = 0;
      if (!read_head (r, &head_length, cancellable, error))
        return NULL;
      head_total += head_length;
      headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
      if (!soup_headers_parse_response ((const char *) r->buf->data + r->pos, (int) head_length, headers,
                                        &version, &status, &reason))
        {
          protocol_error (error, "a malformed answer head");
          return NULL;
        }
      r->pos += head_length;
    }
  while (status >= 100 && status < 200);   /* 100 Continue and the like: the real answer follows */
  /* the reason goes into error details: printable ASCII, 100 at most */
  g_free (post->reason);
  post->reason = g_strndup (reason, 100);
  g_free (reason);
  for (char *p = post->reason; *p != '\0'; p++)
    if (!g_ascii_isprint (*p))
      *p = '?';
  post->status = status;
  encoding = soup_message_headers_get_encoding (headers);
  *keep = version == SOUP_HTTP_1_1 && !soup_message_headers_header_contains (headers, "Connection", "close");
  if (status == 204 || status == 304)
    encoding = SOUP_ENCODING_NONE;
  switch (encoding)
    {
    case SOUP_ENCODING_NONE:
      break;
    case SOUP_ENCODING_CONTENT_LENGTH:
      {
        goffset length = soup_message_headers_get_content_length (headers);

        if (length < 0 || (guint64) length > max_answer)
          {
            g_propagate_error (error, fm_http_answer_too_large (max_answer));
            return NULL;
          }
        if (!reader_fill (r, (gsize) length, cancellable, error))
          return NULL;
        if (length > 0)
          g_byte_array_append (body, r->buf->data + r->pos, (guint) length);
        r->pos += (gsize) length;
        break;
      }
    case SOUP_ENCODING_CHUNKED:
      if (!read_chunked (r, body, max_answer, cancellable, error))
        return NULL;
      break;
    case SOUP_ENCODING_EOF:
    default:
      *keep = FALSE;
      if (!read_to_end (r, body, max_answer, cancellable, error))
        return NULL;
      break;
    }
  /* bytes after the answer we did not ask for: do not trust the rest */
  if (r->pos != r->buf->len)
    *keep = FALSE;
  return g_byte_array_free_to_bytes (g_steal_pointer (&body));
}

/* The answer parser alone, over @data as if a host had sent it and then
 * closed: for the fuzz target (tests/fuzz/fuzz-chunk-answer.c) and tests.
 * Returns the body, or NULL and @error. */
GBytes *
fm_chunk_answer_parse (const guint8  *data,
                       gsize          length,
                       gsize          max_answer,
                       guint         *status,
                       gboolean      *keep,
                       GError       **error)
{
  g_autoptr(FmChunkPost) post = fm_chunk_post_new ("http://127.0.0.1/", "/nonexistent", 0, 0, NULL, NULL);
  g_autoptr(GByteArray) buf = g_byte_array_sized_new ((guint) MIN (length, G_MAXUINT));
  Reader reader = { NULL, buf, 0, FALSE };
  gboolean kept = FALSE;
  GBytes *answer;

  g_byte_array_append (buf, data, (guint) MIN (length, G_MAXUINT));
  answer = read_answer (post, &reader, max_answer, &kept, NULL, error);
  if (status != NULL)
    *status = post->status;
  if (keep != NULL)
    *keep = kept;
  return answer;
}

/* -------------------------------------------------------------- worker */

static gboolean
worth_another_connection (GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_FAILED);
}

/* One request on a kept or a new connection; the answer, or NULL. */
static GBytes *
exchange (FmChunkSender  *self,
          PostData       *data,
          gboolean       *retry_on_new,
          GCancellable   *cancellable,
          GError        **error)
{
  FmChunkPost *post = data->post;
  g_autoptr(FmChunkConn) conn = take_idle (self, post->uri);
  gboolean reused = conn != NULL;
  g_autoptr(GByteArray) buf = g_byte_array_new ();
  Reader reader = { NULL, buf, 0, FALSE };
  gboolean keep = FALSE;
  GBytes *answer = NULL;

  set_sent (post, 0);
  if (conn == NULL)
    {
      g_autoptr(GTlsDatabase) database = dup_database (self);

      conn = fm_chunk_conn_open (post->uri, database, &post->tls_errors, cancellable, error);
      if (conn == NULL)
        return NULL;
      g_atomic_int_inc (&self->connections_made);
    }
  reader.conn = conn;
  if (write_request (self, post, conn, cancellable, error))
    {
      /* one deadline for the whole answer, however it is dripped */
      guint timeout = g_atomic_int_get (&self->answer_timeout);

      fm_chunk_conn_set_deadline (conn, timeout > 0 ? g_get_monotonic_time () + timeout * G_USEC_PER_SEC : 0);
      answer = read_answer (post, &reader, data->max_answer, &keep, cancellable, error);
      fm_chunk_conn_set_deadline (conn, 0);
    }
  if (answer != NULL && keep)
    put_idle (self, post->uri, g_steal_pointer (&conn));
  /* A kept connection the server had closed meanwhile: worth one more
   * try on a new one. Anything else (a cut in the middle of a fresh
   * connection, a bad answer) is the caller's to retry or not. */
  *retry_on_new = answer == NULL && reused && !reader.answered && worth_another_connection (*error) &&
                  !g_cancellable_is_cancelled (cancellable);
  return answer;
}

static void
post_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  FmChunkSender *self = source;
  PostData *data = task_data;
  FmChunkPost *post = data->post;
  GError *error = NULL;
  GBytes *answer = NULL;
  gboolean again = FALSE;
  sigset_t pipe, old;
  struct timespec now = { 0, 0 };

  if (post->uri == NULL)
    {
      g_task_return_new_error (task, FM_ERROR, FM_ERROR_INVALID_URL, "%s",
                               fm_error_get_message (FM_ERROR_INVALID_URL));
      return;
    }
  /* sendfile and OpenSSL write to a socket the server may have closed:
   * that must be an error for this request, not a SIGPIPE for the process */
  sigemptyset (&pipe);
  sigaddset (&pipe, SIGPIPE);
  pthread_sigmask (SIG_BLOCK, &pipe, &old);
  answer = exchange (self, data, &again, cancellable, &error);
  if (again)
    {
      g_debug ("a kept connection to %s was closed (%s): again on a new one", g_uri_get_host (post->uri),
               error->message);
      g_clear_error (&error);
      answer = exchange (self, data, &again, cancellable, &error);
    }
  while (sigtimedwait (&pipe, NULL, &now) == SIGPIPE)
    ;
  pthread_sigmask (SIG_SETMASK, &old, NULL);
  if (answer != NULL)
    g_task_return_pointer (task, answer, (GDestroyNotify) g_bytes_unref);
  else
    g_task_return_error (task, fm_http_connection_error (g_uri_get_host (post->uri), post->tls_errors, error));
}

void
fm_chunk_sender_post_async (FmChunkSender       *self,
                            FmChunkPost         *post,
                            gsize                max_answer,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  PostData *data = g_new0 (PostData, 1);

  g_return_if_fail (FM_IS_CHUNK_SENDER (self));
  data->post = fm_chunk_post_ref (post);
  data->max_answer = max_answer;
  g_task_set_source_tag (task, fm_chunk_sender_post_async);
  g_task_set_task_data (task, data, (GDestroyNotify) post_data_free);
  g_task_run_in_thread (task, post_thread);
}

GBytes *
fm_chunk_sender_post_finish (FmChunkSender  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------- GObject */

FmChunkSender *
fm_chunk_sender_new (const char *user_agent)
{
  FmChunkSender *self = g_object_new (FM_TYPE_CHUNK_SENDER, NULL);

  self->user_agent = g_strdup (user_agent);
  return self;
}

void
fm_chunk_sender_set_tls_database (FmChunkSender *self,
                                  GTlsDatabase  *database)
{
  g_autoptr(GHashTable) old = NULL;   /* its connections close as it goes, outside the lock */

  g_mutex_lock (&self->lock);
  g_set_object (&self->database, database);
  /* connections trusted under the old rule are not kept */
  old = g_steal_pointer (&self->idle);
  self->idle = new_idle_table ();
  g_mutex_unlock (&self->lock);
}

/* Connections opened so far (tests: kept-alive ones are used again). */
/* Seconds a whole answer may take once the body is sent (the client's
 * call timeout, FILEMAIL_CALL_TIMEOUT); after it the request fails like a
 * dropped connection (G_IO_ERROR_TIMED_OUT) and is retried. 0: none. */
void
fm_chunk_sender_set_answer_timeout (FmChunkSender *self,
                                    guint          seconds)
{
  g_return_if_fail (FM_IS_CHUNK_SENDER (self));
  g_atomic_int_set (&self->answer_timeout, seconds);
}

guint
fm_chunk_sender_get_connections_made (FmChunkSender *self)
{
  return (guint) g_atomic_int_get (&self->connections_made);
}

static void
fm_chunk_sender_finalize (GObject *object)
{
  FmChunkSender *self = FM_CHUNK_SENDER (object);

  g_clear_object (&self->database);
  g_hash_table_unref (self->idle);
  g_free (self->user_agent);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (fm_chunk_sender_parent_class)->finalize (object);
}

static void
fm_chunk_sender_class_init (FmChunkSenderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fm_chunk_sender_finalize;
}

static void
fm_chunk_sender_init (FmChunkSender *self)
{
  g_mutex_init (&self->lock);
  self->idle = new_idle_table ();
}
