/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-queue-store.c: unfinished uploads on disk, one file per job */
#define G_LOG_DOMAIN "fm-queue-store"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "fm-state-file.h"
#include "fm-chunk-plan.h"
#include "fm-config.h"
#include "fm-json.h"
#include "fm-queue-store.h"

struct _FmQueueStore
{
  GObject     parent_instance;

  char       *directory;
  gboolean    writing;
  GQueue      order;       /* ids with a pending operation, oldest first */
  GHashTable *pending;     /* id -> text to write, or "" to delete */
  GPtrArray  *flushes;     /* GTask waiting for the writes to settle */
  GError     *last_error;
  GPtrArray  *set_aside;   /* sentences for the user, since the last take */
  GBytes     *key;         /* this installation's, for the seal; NULL: none could be had */
  gboolean    key_tried;
  GHashTable *journals;    /* id -> Journal: the acknowledgements since the last snapshot */
  GHashTable *pending_gen; /* id -> the journal generation its pending snapshot covers (gint64 *) */
};

/* One job's journal of acknowledged chunks: "<id>.acks.<gen>", appended
 * a line per acknowledgement; a snapshot ("journal": gen in the job's JSON)
 * holds every line of every journal of an older generation. */
typedef struct {
  int    fd;        /* of <id>.acks.<gen>, open for appending; -1: not yet */
  gint64 gen;       /* 0: none yet */
  guint  count;     /* lines since the last snapshot */
} Journal;

static void
journal_free (Journal *j)
{
  if (j->fd >= 0)
    close (j->fd);
  g_free (j);
}

G_DEFINE_FINAL_TYPE (FmQueueStore, fm_queue_store, G_TYPE_OBJECT)

static void
fm_queue_store_finalize (GObject *object)
{
  FmQueueStore *self = FM_QUEUE_STORE (object);

  g_free (self->directory);
  g_queue_clear_full (&self->order, g_free);
  g_hash_table_unref (self->pending);
  g_ptr_array_unref (self->flushes);
  g_clear_error (&self->last_error);
  g_clear_pointer (&self->set_aside, g_ptr_array_unref);
  g_clear_pointer (&self->key, g_bytes_unref);
  g_clear_pointer (&self->journals, g_hash_table_unref);
  g_clear_pointer (&self->pending_gen, g_hash_table_unref);
  G_OBJECT_CLASS (fm_queue_store_parent_class)->finalize (object);
}

static void
fm_queue_store_class_init (FmQueueStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fm_queue_store_finalize;
}

static void
fm_queue_store_init (FmQueueStore *self)
{
  g_queue_init (&self->order);
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->journals = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) journal_free);
  self->pending_gen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->flushes = g_ptr_array_new_with_free_func (g_object_unref);
}

FmQueueStore *
fm_queue_store_new (const char *directory)
{
  FmQueueStore *self = g_object_new (FM_TYPE_QUEUE_STORE, NULL);

  self->directory = g_strdup (directory);
  return self;
}

FmQueueStore *
fm_queue_store_new_default (void)
{
  g_autofree char *dir = fm_config_get_state_dir ();
  g_autofree char *uploads = g_build_filename (dir, "uploads", NULL);

  return fm_queue_store_new (uploads);
}

const char *
fm_queue_store_get_directory (FmQueueStore *self)
{
  return self->directory;
}

/* Ids are our own UUIDs; anything else in a file name is refused so a
 * hand-edited file cannot make us write outside the folder. */
static gboolean
id_is_valid (const char *id)
{
  return id != NULL && *id != '\0' && strlen (id) <= 64 && strspn (id, "0123456789abcdef-") == strlen (id);
}

static char *
job_path (FmQueueStore *self,
          const char   *id)
{
  g_autofree char *name = NULL;

  if (!id_is_valid (id))
    return NULL;
  name = g_strconcat (id, ".json", NULL);
  return g_build_filename (self->directory, name, NULL);
}

/* A saved job is a few kilobytes, and about 130 bytes more per file:
 * 100,000 files make 13 MB. Anything past 64 MiB (half a million files)
 * was not written by this program. */
#define MAX_JOB_FILE_SIZE (64 * 1024 * 1024)

static void check_seal (FmQueueStore *self, JsonObject *job, const char *text, gsize size);

static JsonObject *
load_one (FmQueueStore *self,
          const char   *path,
          const char   *id,
          GError      **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  gsize size = 0;
  g_autoptr(GError) local_error = NULL;
  JsonObject *job;

  text = fm_state_file_read (path, MAX_JOB_FILE_SIZE, FM_STATE_FILE_NONE, &size, &local_error);
  if (text == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "not a regular file of at most 16 MiB (%s)",
                   local_error->message);
      return NULL;
    }
  root = fm_json_parse_bounded (text, size, error);
  if (root == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "not a JSON object");
      return NULL;
    }
  if (g_strcmp0 (fm_json_get_string (json_node_get_object (root), "id"), id) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "its id is not its file name");
      return NULL;
    }
  job = json_object_ref (json_node_get_object (root));
  check_seal (self, job, text, size);
  return job;
}

static void apply_journals (FmQueueStore *self, const char *id, JsonObject *job);

/* A damaged saved job is kept for a person to look at, as <id>.json.bad,
 * and never read again: one bad file must not stop every start. It is
 * never dropped in silence either: the sentence naming the job (@title,
 * its subject or recipients, when the file still tells) waits for the
 * front end (fm_queue_store_take_set_aside). */
void
fm_queue_store_set_aside (FmQueueStore *self,
                          const char   *id,
                          const char   *title,
                          const char   *why)
{
  g_autofree char *path = job_path (self, id);
  g_autofree char *bad = NULL;
  g_autofree char *shown = NULL;

  if (path == NULL)
    return;
  bad = g_strconcat (path, ".bad", NULL);
  g_warning ("A saved upload is damaged and was set aside as %s: %s", bad, why);
  if (g_rename (path, bad) != 0)
    g_unlink (path);
  if (self->set_aside == NULL)
    self->set_aside = g_ptr_array_new_with_free_func (g_free);
  shown = g_filename_display_name (bad);
  if (title != NULL && *title != '\0')
    g_ptr_array_add (self->set_aside,
                     g_strdup_printf (_("The unfinished upload “%s” cannot be resumed: %s It was set aside as %s."),
                                      title, why, shown));
  else
    g_ptr_array_add (self->set_aside,
                     g_strdup_printf (_("An unfinished upload cannot be resumed: %s It was set aside as %s."),
                                      why, shown));
}

/* The sentences of the jobs set aside since the last call (NULL: none),
 * for the CLI's stderr or the app's notification. */
GStrv
fm_queue_store_take_set_aside (FmQueueStore *self)
{
  GPtrArray *sentences = g_steal_pointer (&self->set_aside);

  if (sentences == NULL)
    return NULL;
  g_ptr_array_add (sentences, NULL);
  return (GStrv) g_ptr_array_free (sentences, FALSE);
}

/* Whether a process owns job @id now: its lock (<id>.lock, the flock of
 * fm_upload_job_claim) is held. */
static gboolean
is_owned (FmQueueStore *self,
          const char   *id)
{
  g_autofree char *name = g_strconcat (id, ".lock", NULL);
  g_autofree char *path = g_build_filename (self->directory, name, NULL);
  int fd = open (path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
  gboolean owned;

  if (fd < 0)
    return FALSE;
  owned = flock (fd, LOCK_EX | LOCK_NB) != 0;
  close (fd);   /* drops the lock if it was taken here */
  return owned;
}

/* A process killed while saving leaves g_file_set_contents()'s temporary
 * "<id>.json.XXXXXX" behind (with the transfer key in it). One older than
 * a minute, or one of a job nobody owns (only the owner writes a job),
 * is no write in progress. */
static void
remove_stale_temporary (FmQueueStore *self,
                        const char   *name)
{
  g_autofree char *path = NULL;
  g_autofree char *id = NULL;
  const char *dot = strstr (name, ".json.");
  GStatBuf st;

  if (dot == NULL || g_str_has_suffix (name, ".bad"))
    return;
  path = g_build_filename (self->directory, name, NULL);
  id = g_strndup (name, (gsize) (dot - name));
  if (g_lstat (path, &st) == 0 &&
      (st.st_mtime < g_get_real_time () / G_USEC_PER_SEC - 60 || (id_is_valid (id) && !is_owned (self, id))))
    g_unlink (path);
}

/* ---------------------------------------------------------------- seal */

/* A saved job is sealed with an HMAC keyed by a secret of this
 * installation ($XDG_CONFIG_HOME/filemail/installation-key, 0600, made on
 * first use), which the state folder does not hold: a job file put there
 * by someone else (a restored backup, a synced or shared folder, a
 * planted file) reads as unsealed, and the queue never starts it by
 * itself (FmUploadJob:unconfirmed). */
static GBytes *
installation_key (FmQueueStore *self)
{
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  guint8 key[32];
  int fd;

  if (self->key_tried)
    return self->key;
  self->key_tried = TRUE;
  path = g_build_filename (g_get_user_config_dir (), "filemail", "installation-key", NULL);
  text = fm_state_file_read (path, 256, FM_STATE_FILE_NONE, NULL, NULL);
  if (text == NULL && RAND_bytes (key, sizeof key) == 1)
    {
      g_autofree char *dir = g_path_get_dirname (path);
      g_autofree char *hex = NULL;
      GString *s = g_string_new (NULL);

      for (gsize i = 0; i < sizeof key; i++)
        g_string_append_printf (s, "%02x", key[i]);
      hex = g_string_free (s, FALSE);
      g_mkdir_with_parents (dir, 0700);
      /* O_EXCL: of two processes making it at once, one wins; the other reads */
      fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
      if (fd >= 0)
        {
          gboolean ok = write (fd, hex, strlen (hex)) == (ssize_t) strlen (hex);

          close (fd);
          if (!ok)
            g_unlink (path);
        }
      text = fm_state_file_read (path, 256, FM_STATE_FILE_NONE, NULL, NULL);
    }
  if (text != NULL && strlen (g_strstrip (text)) >= 32)
    self->key = g_bytes_new (text, strlen (text));
  else
    g_warning ("No installation key in %s: saved uploads without a transfer are not resumed by themselves", path);
  return self->key;
}

/* The seal of @job (without its "mac"), or NULL without a key. */
static char *
seal (FmQueueStore *self,
      JsonObject   *job)
{
  GBytes *key = installation_key (self);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GHmac) hmac = NULL;
  g_autofree char *text = NULL;

  if (key == NULL)
    return NULL;
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (node, job);
  text = json_to_string (node, FALSE);
  hmac = g_hmac_new (G_CHECKSUM_SHA256, g_bytes_get_data (key, NULL), g_bytes_get_size (key));
  g_hmac_update (hmac, (const guchar *) text, -1);
  return g_strdup (g_hmac_get_string (hmac));
}

/* The seal is the HMAC of the file's own text without its last member,
 * `,"mac":"<64 hex digits>"}`: the text is sealed as written, so nothing
 * is serialised twice and a job of 100,000 files never becomes a tree of
 * JSON nodes on its way to the disk. Returns the seal of @text (@len
 * bytes, its closing brace left off) or NULL without a key. */
static char *
seal_text (FmQueueStore *self,
           const char   *text,
           gsize         len)
{
  GBytes *key = installation_key (self);
  g_autoptr(GHmac) hmac = NULL;

  if (key == NULL)
    return NULL;
  hmac = g_hmac_new (G_CHECKSUM_SHA256, g_bytes_get_data (key, NULL), g_bytes_get_size (key));
  g_hmac_update (hmac, (const guchar *) text, (gssize) len);
  g_hmac_update (hmac, (const guchar *) "}", 1);
  return g_strdup (g_hmac_get_string (hmac));
}

/* A job this version wrote ends in `,"mac":"<64 hex digits>"}` and the
 * seal is of the text before it, closed (fm_queue_store_save_with_files). */
static gboolean
text_seal_matches (FmQueueStore *self,
                   const char   *text,
                   gsize         size)
{
  static const char marker[] = ",\"mac\":\"";
  const gsize tail_len = strlen (marker) + 64 + strlen ("\"}");
  g_autofree char *expected = NULL;
  const char *tail;

  while (size > 0 && g_ascii_isspace (text[size - 1]))
    size--;
  if (size < tail_len + 1)
    return FALSE;
  tail = text + size - tail_len;
  if (memcmp (tail, marker, strlen (marker)) != 0 || memcmp (text + size - 2, "\"}", 2) != 0)
    return FALSE;
  expected = seal_text (self, text, (gsize) (tail - text));
  return expected != NULL && strlen (expected) == 64 &&
         CRYPTO_memcmp (tail + strlen (marker), expected, 64) == 0;
}

/* Sets "trusted" on a loaded job (@text: its file): sealed by this
 * installation. Jobs of older versions were sealed as re-serialised by
 * json-glib, which is checked when the text's own seal is not there.
 * Without a key the older rule stands: a job that has its transfer was
 * started here. */
static void
check_seal (FmQueueStore *self,
            JsonObject   *job,
            const char   *text,
            gsize         size)
{
  g_autofree char *mac = g_strdup (fm_json_get_string (job, "mac"));
  g_autofree char *expected = NULL;
  gboolean trusted;

  if (json_object_has_member (job, "mac"))
    json_object_remove_member (job, "mac");
  if (mac != NULL && text_seal_matches (self, text, size))
    trusted = TRUE;
  else if ((expected = seal (self, job)) != NULL)
    trusted = mac != NULL && strlen (mac) == strlen (expected) && CRYPTO_memcmp (mac, expected, strlen (mac)) == 0;
  else
    trusted = fm_json_get_string (job, "transferid") != NULL;
  json_object_set_boolean_member (job, "trusted", trusted);
}

/* Every saved job, oldest first; an unreadable file is skipped with a
 * warning rather than losing the others. */
JsonArray *
fm_queue_store_load (FmQueueStore  *self,
                     GError       **error)
{
  g_autoptr(JsonArray) jobs = json_array_new ();
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GDir) dir = g_dir_open (self->directory, 0, &local_error);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (dir == NULL)
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_steal_pointer (&jobs);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".json"))
      g_ptr_array_add (names, g_strdup (name));
    else
      remove_stale_temporary (self, name);
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (self->directory, names->pdata[i], NULL);
      g_autofree char *id = g_strndup (names->pdata[i], strlen (names->pdata[i]) - strlen (".json"));
      JsonObject *job = id_is_valid (id) ? load_one (self, path, id, &local_error) : NULL;

      if (job == NULL)
        {
          if (local_error == NULL)
            g_warning ("Skipping %s: not a saved upload's name", path);
          else
            fm_queue_store_set_aside (self, id, NULL, _("The file is not a saved upload."));
          g_clear_error (&local_error);
          continue;
        }
      apply_journals (self, id, job);
      json_array_add_object_element (jobs, job);
    }
  return g_steal_pointer (&jobs);
}

typedef struct {
  char  *path;
  char  *text;   /* NULL: delete */
  gint64 gen;    /* journals older than this are in the snapshot (or the job is gone: all) */
} WriteOp;

/* A process killed while saving leaves "<id>.json.XXXXXX" (with the
 * transfer key in it). Once the job is gone, so are they: only the job's
 * owner deletes it, so no other write of it is under way. */
static void
remove_temporaries (const char *job_file)
{
  g_autofree char *dir = g_path_get_dirname (job_file);
  g_autofree char *base = g_path_get_basename (job_file);
  g_autofree char *prefix = g_strconcat (base, ".", NULL);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (g_str_has_prefix (name, prefix) && !g_str_has_suffix (name, ".bad"))
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);
        g_unlink (path);
      }
}

/* "<id>.acks.<gen>" of @job_file's job with gen below @below. */
static void
remove_journals (const char *job_file,
                 gint64      below)
{
  g_autofree char *dir = g_path_get_dirname (job_file);
  g_autofree char *base = g_path_get_basename (job_file);
  g_autofree char *id = g_strndup (base, strlen (base) - strlen (".json"));
  g_autofree char *prefix = g_strconcat (id, ".acks.", NULL);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      gint64 gen = 0;

      if (g_str_has_prefix (name, prefix) &&
          g_ascii_string_to_signed (name + strlen (prefix), 10, 0, G_MAXINT64, &gen, NULL) && gen < below)
        {
          g_autofree char *path = g_build_filename (dir, name, NULL);
          g_unlink (path);
        }
    }
}

static void
write_op_free (WriteOp *op)
{
  g_free (op->path);
  g_free (op->text);
  g_free (op);
}

static void
write_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  WriteOp *op = task_data;
  g_autofree char *dir = g_path_get_dirname (op->path);
  GError *error = NULL;

  if (op->text == NULL)
    {
      if (g_unlink (op->path) != 0 && errno != ENOENT)
        {
          g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (errno),
                                   "%s", g_strerror (errno));
          return;
        }
      remove_temporaries (op->path);
      remove_journals (op->path, G_MAXINT64);
      g_task_return_boolean (task, TRUE);
      return;
    }
  g_mkdir_with_parents (dir, 0700);
  /* CONSISTENT: after a crash the old or the new file, never a mix. */
  if (!g_file_set_contents_full (op->path, op->text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  /* the snapshot holds them now */
  remove_journals (op->path, op->gen);
  g_task_return_boolean (task, TRUE);
}

static void start_next (FmQueueStore *self);

static void
settle_flushes (FmQueueStore *self)
{
  g_autoptr(GPtrArray) flushes = g_steal_pointer (&self->flushes);

  self->flushes = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < flushes->len; i++)
    {
      if (self->last_error != NULL)
        g_task_return_error (flushes->pdata[i], g_error_copy (self->last_error));
      else
        g_task_return_boolean (flushes->pdata[i], TRUE);
    }
}

static void
write_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  FmQueueStore *self = FM_QUEUE_STORE (source);
  g_autoptr(GError) error = NULL;

  self->writing = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_warning ("Cannot save unfinished uploads in %s: %s", self->directory, error->message);
      g_clear_error (&self->last_error);
      self->last_error = g_steal_pointer (&error);
    }
  start_next (self);
}

static void
start_next (FmQueueStore *self)
{
  g_autofree char *id = g_queue_pop_head (&self->order);
  g_autoptr(GTask) task = NULL;
  WriteOp *op;
  char *key = NULL, *text = NULL;

  if (id == NULL)
    {
      settle_flushes (self);
      g_clear_error (&self->last_error);
      return;
    }
  /* the text is handed over, not copied: a job of 100,000 files is
   * megabytes of it */
  g_hash_table_steal_extended (self->pending, id, (gpointer *) &key, (gpointer *) &text);
  g_free (key);
  op = g_new0 (WriteOp, 1);
  op->path = job_path (self, id);
  op->text = *text != '\0' ? text : (g_free (text), NULL);
  op->gen = g_hash_table_contains (self->pending_gen, id) ? *(gint64 *) g_hash_table_lookup (self->pending_gen, id) : 0;
  g_hash_table_remove (self->pending_gen, id);
  self->writing = TRUE;
  task = g_task_new (self, NULL, write_done_cb, NULL);
  g_task_set_source_tag (task, start_next);
  g_task_set_task_data (task, op, (GDestroyNotify) write_op_free);
  g_task_run_in_thread (task, write_thread);
}

static void
enqueue (FmQueueStore *self,
         const char   *id,
         char         *text)
{
  if (!g_hash_table_contains (self->pending, id))
    g_queue_push_tail (&self->order, g_strdup (id));
  g_hash_table_insert (self->pending, g_strdup (id), text);
  if (!self->writing)
    start_next (self);
}

/* Serialises now, from the caller's snapshot, and writes soon. */
static Journal *
journal_of (FmQueueStore *self,
            const char   *id)
{
  Journal *j = g_hash_table_lookup (self->journals, id);

  if (j == NULL)
    {
      j = g_new0 (Journal, 1);
      j->fd = -1;
      g_hash_table_insert (self->journals, g_strdup (id), j);
    }
  return j;
}

/* A journal line's seal: 16 hex digits of the HMAC of what it says, and
 * of which job and journal it is in (a line copied elsewhere is no good). */
static char *
seal_line (FmQueueStore *self,
           const char   *id,
           gint64        gen,
           guint         file,
           gint64        chunk)
{
  GBytes *key = installation_key (self);
  g_autoptr(GHmac) hmac = NULL;
  g_autofree char *text = NULL;

  if (key == NULL)
    return NULL;
  text = g_strdup_printf ("%s %" G_GINT64_FORMAT " %u %" G_GINT64_FORMAT, id, gen, file, chunk);
  hmac = g_hmac_new (G_CHECKSUM_SHA256, g_bytes_get_data (key, NULL), g_bytes_get_size (key));
  g_hmac_update (hmac, (const guchar *) text, -1);
  return g_strndup (g_hmac_get_string (hmac), 16);
}

#define MAX_JOURNAL_SIZE (128 * 1024 * 1024)

static gint
compare_gen (gconstpointer a,
             gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* One journal's lines into @sets (file index -> FmChunkSet, made from
 * the snapshot's "acked" when first touched). A line that is not sealed
 * by this installation, or names no chunk of the job, is passed over. */
static void
apply_journal (FmQueueStore *self,
               const char   *id,
               gint64        gen,
               JsonArray    *files,
               gint64        chunk_size,
               GHashTable   *sets)
{
  g_autofree char *name = g_strdup_printf ("%s.acks.%" G_GINT64_FORMAT, id, gen);
  g_autofree char *path = g_build_filename (self->directory, name, NULL);
  g_autofree char *text = fm_state_file_read (path, MAX_JOURNAL_SIZE, FM_STATE_FILE_NONE, NULL, NULL);
  char *line, *next;

  for (line = text; line != NULL && *line != '\0'; line = next)
    {
      guint64 file = 0;
      gint64 chunk = -1;
      g_auto(GStrv) parts = NULL;
      g_autofree char *expected = NULL;
      FmChunkSet *set;

      next = strchr (line, '\n');
      if (next == NULL)
        break;            /* a line cut by a kill: not written, not counted */
      *next++ = '\0';
      parts = g_strsplit (line, " ", 4);
      if (g_strv_length (parts) != 3 ||
          !g_ascii_string_to_unsigned (parts[0], 10, 0, json_array_get_length (files) - 1, &file, NULL) ||
          !g_ascii_string_to_signed (parts[1], 10, 0, G_MAXINT64, &chunk, NULL))
        continue;
      expected = seal_line (self, id, gen, (guint) file, chunk);
      if (g_strcmp0 (expected != NULL ? expected : "-", parts[2]) != 0)
        continue;
      set = g_hash_table_lookup (sets, GUINT_TO_POINTER ((guint) file));
      if (set == NULL)
        {
          JsonNode *node = json_array_get_element (files, (guint) file);
          JsonObject *f = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
          gint64 size = -1;

          if (f == NULL || !fm_json_get_int64 (f, "size", &size) || size < 0)
            continue;
          set = fm_chunk_set_new_parse (fm_chunk_plan_count (size, chunk_size), fm_json_get_string (f, "acked"));
          if (set == NULL)
            continue;
          g_hash_table_insert (sets, GUINT_TO_POINTER ((guint) file), set);
        }
      if (chunk < fm_chunk_set_get_size (set))
        fm_chunk_set_add (set, chunk);
    }
}

/* The snapshot of @job brought up to date with its journals (those of its
 * generation and later): the acknowledgements a killed process wrote
 * after its last snapshot. */
static void
apply_journals (FmQueueStore *self,
                const char   *id,
                JsonObject   *job)
{
  JsonArray *files = fm_json_get_array (job, "files");
  g_autofree char *prefix = g_strconcat (id, ".acks.", NULL);
  g_autoptr(GArray) gens = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GHashTable) sets = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) fm_chunk_set_free);
  g_autoptr(GDir) dir = g_dir_open (self->directory, 0, NULL);
  gint64 base = 0, chunk_size = 0;
  const char *name;
  GHashTableIter iter;
  gpointer key, value;

  fm_json_get_int64 (job, "journal", &base);
  if (files == NULL || json_array_get_length (files) == 0 ||
      !fm_json_get_int64 (job, "chunksize", &chunk_size) || chunk_size <= 0)
    return;
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      gint64 gen = 0;

      if (g_str_has_prefix (name, prefix) &&
          g_ascii_string_to_signed (name + strlen (prefix), 10, 0, G_MAXINT64, &gen, NULL) && gen >= base)
        g_array_append_val (gens, gen);
    }
  g_array_sort (gens, compare_gen);
  for (guint i = 0; i < gens->len; i++)
    apply_journal (self, id, g_array_index (gens, gint64, i), files, chunk_size, sets);
  g_hash_table_iter_init (&iter, sets);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      JsonObject *f = json_array_get_object_element (files, GPOINTER_TO_UINT (key));
      g_autofree char *acked = fm_chunk_set_to_string (value);

      json_object_set_string_member (f, "acked", acked);
    }
  /* this process's lines go on in the newest journal until its snapshot */
  journal_of (self, id)->gen = MAX (base, gens->len > 0 ? g_array_index (gens, gint64, gens->len - 1) : 0);
}

void
fm_queue_store_save (FmQueueStore *self,
                     const char   *id,
                     JsonObject   *job)
{
  fm_queue_store_save_with_files (self, id, job, NULL);
}

/* Like fm_queue_store_save(), with the job's "files" member given as its
 * compact JSON text (taken): a job's file list is written as text by its
 * owner, and only the few other members go through a JsonObject. */
void
fm_queue_store_save_with_files (FmQueueStore *self,
                                const char   *id,
                                JsonObject   *job,
                                GString      *files)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *path = job_path (self, id);
  g_autofree char *head = NULL;
  g_autofree char *mac = NULL;
  GString *text;
  Journal *j;
  gint64 *gen;

  g_return_if_fail (path != NULL);
  g_return_if_fail (files == NULL || !json_object_has_member (job, "files"));
  /* a new journal from here on; the snapshot holds every older one */
  j = journal_of (self, id);
  if (j->fd >= 0)
    close (j->fd);
  j->fd = -1;
  j->gen = MAX (g_get_real_time (), j->gen + 1);
  j->count = 0;
  gen = g_new (gint64, 1);
  *gen = j->gen;
  g_hash_table_insert (self->pending_gen, g_strdup (id), gen);
  json_object_set_int_member (job, "journal", j->gen);
  if (json_object_has_member (job, "mac"))
    json_object_remove_member (job, "mac");
  json_node_set_object (node, job);
  head = json_to_string (node, FALSE);
  /* {head…} + ,"files":[…] + ,"mac":"…"} : the file list is spliced in
   * where it lies (one move of its bytes, no copy) */
  text = files != NULL ? files : g_string_new (NULL);
  if (files != NULL)
    g_string_prepend (text, ",\"files\":");
  g_string_prepend_len (text, head, (gssize) strlen (head) - 1);
  mac = seal_text (self, text->str, text->len);
  if (mac != NULL)
    g_string_append_printf (text, ",\"mac\":\"%s\"", mac);
  g_string_append (text, "}\n");
  enqueue (self, id, g_string_free (text, FALSE));
}

/* One line per acknowledged chunk, appended at once (a write(), no JSON:
 * the cost does not grow with the transfer); sealed like the snapshot.
 * Returns how many lines there are since the last snapshot, for the
 * caller to take one when that is as much as a snapshot costs. */
guint
fm_queue_store_append_ack (FmQueueStore *self,
                           const char   *id,
                           guint         file,
                           gint64        chunk)
{
  Journal *j = journal_of (self, id);
  g_autofree char *mac = NULL;
  g_autofree char *line = NULL;
  gsize length;

  if (j->gen == 0)
    j->gen = g_get_real_time ();
  if (j->fd < 0)
    {
      g_autofree char *name = g_strdup_printf ("%s.acks.%" G_GINT64_FORMAT, id, j->gen);
      g_autofree char *path = g_build_filename (self->directory, name, NULL);

      g_mkdir_with_parents (self->directory, 0700);
      j->fd = open (path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
      if (j->fd < 0)
        return G_MAXUINT;   /* no journal: the caller saves the whole job */
    }
  mac = seal_line (self, id, j->gen, file, chunk);
  line = g_strdup_printf ("%u %" G_GINT64_FORMAT " %s\n", file, chunk, mac != NULL ? mac : "-");
  length = strlen (line);
  if (write (j->fd, line, length) != (ssize_t) length)
    return G_MAXUINT;
  return ++j->count;
}

void
fm_queue_store_remove (FmQueueStore *self,
                       const char   *id)
{
  g_autofree char *path = job_path (self, id);

  g_return_if_fail (path != NULL);
  g_hash_table_remove (self->journals, id);
  g_hash_table_remove (self->pending_gen, id);
  enqueue (self, id, g_strdup (""));
}

gboolean
fm_queue_store_is_idle (FmQueueStore *self)
{
  return !self->writing && g_queue_is_empty (&self->order);
}

/* Completes once every save made so far is on disk. */
void
fm_queue_store_flush_async (FmQueueStore        *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, fm_queue_store_flush_async);
  if (fm_queue_store_is_idle (self))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  g_ptr_array_add (self->flushes, g_steal_pointer (&task));
}

gboolean
fm_queue_store_flush_finish (FmQueueStore  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
