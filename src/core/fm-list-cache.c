/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-list-cache.c: the last known Inbox and Outbox, on disk */
#define G_LOG_DOMAIN "fm-list-cache"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "fm-state-file.h"
#include "fm-json.h"
#include "fm-list-cache.h"

#define FORMAT_VERSION 1
#define MAX_FILE_SIZE  (64 * 1024 * 1024)
#define MAX_ITEMS      100000
#define FIRST_ITEMS    25        /* a tall first screen's worth (a 1440p window shows 20), in a file of its own */

struct _FmListCache
{
  GObject     parent_instance;

  char       *directory;
  GHashTable *memory;     /* file name -> GListModel: the search provider asks often */
  GThreadPool *writer;    /* one write at a time, off the main loop */
  guint       n_writing;
  GMutex      lock;
  GCond       idle;
};

G_DEFINE_FINAL_TYPE (FmListCache, fm_list_cache, G_TYPE_OBJECT)

/* <16 hex of sha256(account)>-sent.json: no address in a file name;
 * -sent-first.json: its newest transfers only */
static char *
part_name (const char *account,
           FmListKind  kind,
           gboolean    first)
{
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, account, -1);

  return g_strdup_printf ("%.16s-%s%s.json", hash, kind == FM_LIST_SENT ? "sent" : "received",
                          first ? "-first" : "");
}

static char *
file_name (const char *account,
           FmListKind  kind)
{
  return part_name (account, kind, FALSE);
}

typedef struct {
  char     *path;
  JsonNode *root;   /* NULL: remove the file */
} Write;

static void
write_in_thread (gpointer data,
                 gpointer user_data)
{
  Write *w = data;
  FmListCache *self = user_data;
  g_autoptr(GError) error = NULL;

  if (w->root != NULL)
    {
      /* text made here too: for 10,000 transfers that is the costly part */
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      g_autofree char *text = NULL;

      json_generator_set_root (generator, w->root);
      text = json_generator_to_data (generator, NULL);
      if (!g_file_set_contents_full (w->path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
        g_warning ("Cannot keep the list for later: %s", error->message);
    }
  else if (g_unlink (w->path) != 0 && errno != ENOENT)
    g_warning ("Cannot remove %s: %s", w->path, g_strerror (errno));
  g_free (w->path);
  g_clear_pointer (&w->root, json_node_unref);
  g_free (w);
  g_mutex_lock (&self->lock);
  if (--self->n_writing == 0)
    g_cond_broadcast (&self->idle);
  g_mutex_unlock (&self->lock);
}

/* Takes @path and @root (a tree nothing else holds: the worker reads it). */
static void
queue_write (FmListCache *self,
             char        *path,
             JsonNode    *root)
{
  Write *w = g_new (Write, 1);

  *w = (Write) { path, root };
  g_mutex_lock (&self->lock);
  self->n_writing++;
  g_mutex_unlock (&self->lock);
  g_thread_pool_push (self->writer, w, NULL);
}

/* Waits for the writes queued so far (tests, and before a quit). */
gboolean
fm_list_cache_flush (FmListCache *self)
{
  g_mutex_lock (&self->lock);
  while (self->n_writing > 0)
    g_cond_wait (&self->idle, &self->lock);
  g_mutex_unlock (&self->lock);
  return TRUE;
}

/* The list as shown now, for searches from the desktop: at once and
 * cheaply (references to the transfers, which learn their details in
 * place); fm_list_cache_save() puts it on disk. */
void
fm_list_cache_remember (FmListCache *self,
                        const char  *account,
                        FmListKind   kind,
                        GListModel  *transfers)
{
  g_autoptr(GListStore) copy = g_list_store_new (FM_TYPE_TRANSFER);
  guint n = MIN (g_list_model_get_n_items (transfers), MAX_ITEMS);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_if_fail (FM_IS_LIST_CACHE (self) && account != NULL);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (items, g_list_model_get_item (transfers, i));
  g_list_store_splice (copy, 0, 0, items->pdata, items->len);
  g_hash_table_replace (self->memory, file_name (account, kind), g_steal_pointer (&copy));
}

static JsonNode *
list_root (GPtrArray *transfers,
           guint      n)
{
  JsonObject *root = json_object_new ();
  JsonArray *items = json_array_new ();

  for (guint i = 0; i < MIN (n, transfers->len); i++)
    json_array_add_object_element (items, fm_transfer_to_json (transfers->pdata[i]));
  json_object_set_int_member (root, "version", FORMAT_VERSION);
  json_object_set_int_member (root, "saved", g_get_real_time () / G_USEC_PER_SEC);
  json_object_set_array_member (root, "transfers", items);
  return json_node_init_object (json_node_alloc (), root);
}

static int
newest_first (gconstpointer a,
              gconstpointer b)
{
  gint64 da = fm_transfer_get_sent_date (*(FmTransfer **) a);
  gint64 db = fm_transfer_get_sent_date (*(FmTransfer **) b);

  return (db > da) - (db < da);
}

/* The list as shown now, for the next start (and in memory at once):
 * turned into JSON trees here, where the transfers live; made into text
 * and written by a worker. Twice: the whole list, and its newest
 * FIRST_ITEMS apart, which a start reads in a few milliseconds to fill
 * the first screen while the whole list (a few hundred for 10,000) is
 * read after the first frame. */
void
fm_list_cache_save (FmListCache *self,
                    const char  *account,
                    FmListKind   kind,
                    GListModel  *transfers)
{
  g_autofree char *name = file_name (account, kind);
  g_autofree char *first = part_name (account, kind, TRUE);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = MIN (g_list_model_get_n_items (transfers), MAX_ITEMS);

  g_return_if_fail (FM_IS_LIST_CACHE (self) && account != NULL);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (items, g_list_model_get_item (transfers, i));
  fm_list_cache_remember (self, account, kind, transfers);
  g_mkdir_with_parents (self->directory, 0700);
  queue_write (self, g_build_filename (self->directory, name, NULL), list_root (items, n));
  g_ptr_array_sort (items, newest_first);
  queue_write (self, g_build_filename (self->directory, first, NULL), list_root (items, FIRST_ITEMS));
}

/* The file as written by save, or NULL: missing, too big, a link, not a
 * regular file, damaged, from a newer version. */
static JsonObject *
read_file (const char *path)
{
  gsize length = 0;
  g_autofree char *text = fm_state_file_read (path, MAX_FILE_SIZE, FM_STATE_FILE_NONE, &length, NULL);
  g_autoptr(JsonNode) root = NULL;
  gint64 version = 0;

  if (text == NULL)
    return NULL;
  root = fm_json_parse_bounded (text, length, NULL);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  if (!fm_json_get_int64 (json_node_get_object (root), "version", &version) || version != FORMAT_VERSION)
    return NULL;
  return json_object_ref (json_node_get_object (root));
}

/* The file's transfers, or NULL; any thread. */
static GListModel *
read_list (const char *path,
           gint64     *saved_at)
{
  g_autoptr(JsonObject) root = read_file (path);
  JsonArray *items = fm_json_get_array (root, "transfers");
  g_autoptr(GListStore) list = NULL;

  if (items == NULL || json_array_get_length (items) > MAX_ITEMS)
    return NULL;
  list = g_list_store_new (FM_TYPE_TRANSFER);
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonNode *node = json_array_get_element (items, i);
      g_autoptr(FmTransfer) t = JSON_NODE_HOLDS_OBJECT (node)
                                ? fm_transfer_new_from_cache (json_node_get_object (node), NULL) : NULL;

      /* one bad entry is skipped, not the list */
      if (t != NULL)
        g_list_store_append (list, t);
    }
  if (saved_at != NULL && !fm_json_get_int64 (root, "saved", saved_at))
    *saved_at = 0;
  return G_LIST_MODEL (g_steal_pointer (&list));
}

/* The list as last saved, or NULL; @saved_at: when (unix seconds). */
GListModel *
fm_list_cache_load (FmListCache *self,
                    const char  *account,
                    FmListKind   kind,
                    gint64      *saved_at)
{
  g_autofree char *name = file_name (account, kind);
  g_autofree char *path = g_build_filename (self->directory, name, NULL);
  GListModel *list = read_list (path, saved_at);

  if (list != NULL)
    g_hash_table_replace (self->memory, g_strdup (name), g_object_ref (list));
  return list;
}

typedef struct {
  char       *account;
  FmListKind  kind;
  gboolean    first;     /* the newest few only */
  gint64      saved_at;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_free (data->account);
  g_free (data);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  FmListCache *self = source_object;
  LoadData *data = task_data;
  g_autofree char *name = part_name (data->account, data->kind, data->first);
  g_autofree char *path = g_build_filename (self->directory, name, NULL);
  GListModel *list = read_list (path, &data->saved_at);

  if (list == NULL)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no list kept");
  else
    g_task_return_pointer (task, list, g_object_unref);
}

static void
load_async (FmListCache         *self,
            const char          *account,
            FmListKind           kind,
            gboolean             first,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  LoadData *data = g_new0 (LoadData, 1);

  data->account = g_strdup (account);
  data->kind = kind;
  data->first = first;
  g_task_set_source_tag (task, fm_list_cache_load_async);
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);
  g_task_run_in_thread (task, load_thread);
}

/* fm_list_cache_load() in a worker: 10,000 transfers take a few hundred
 * milliseconds to parse, which the window's first frame need not wait for. */
void
fm_list_cache_load_async (FmListCache         *self,
                          const char          *account,
                          FmListKind           kind,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  load_async (self, account, kind, FALSE, cancellable, callback, user_data);
}

/* The newest transfers of the list only (at most 25, newest first): what
 * the first screen shows, read in a few milliseconds. Finished by
 * fm_list_cache_load_finish(); not what the search provider searches. */
void
fm_list_cache_load_first_async (FmListCache         *self,
                                const char          *account,
                                FmListKind           kind,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  load_async (self, account, kind, TRUE, cancellable, callback, user_data);
}

GListModel *
fm_list_cache_load_finish (FmListCache   *self,
                           GAsyncResult  *result,
                           gint64        *saved_at,
                           GError       **error)
{
  LoadData *data = g_task_get_task_data (G_TASK (result));
  GListModel *list = g_task_propagate_pointer (G_TASK (result), error);

  if (list == NULL)
    return NULL;
  if (saved_at != NULL)
    *saved_at = data->saved_at;
  if (data->first)
    return list;
  /* the search provider finds it in memory from now on */
  g_hash_table_replace (self->memory, file_name (data->account, data->kind), g_object_ref (list));
  return list;
}

/* A logout: the account's lists leave the disk. */
void
fm_list_cache_clear (FmListCache *self,
                     const char  *account)
{
  for (FmListKind kind = FM_LIST_SENT; kind <= FM_LIST_RECEIVED; kind++)
    {
      g_autofree char *name = file_name (account, kind);
      g_autofree char *first = part_name (account, kind, TRUE);

      g_hash_table_remove (self->memory, name);
      queue_write (self, g_build_filename (self->directory, name, NULL), NULL);
      queue_write (self, g_build_filename (self->directory, first, NULL), NULL);
    }
}

static GListModel *
remembered (FmListCache *self,
            const char  *account,
            FmListKind   kind)
{
  g_autofree char *name = file_name (account, kind);
  GListModel *list = g_hash_table_lookup (self->memory, name);

  return list != NULL ? g_object_ref (list) : fm_list_cache_load (self, account, kind, NULL);
}

/* Result ids, "received:<id>" and "sent:<id>", newest first within each
 * list, the Inbox first. */
GPtrArray *
fm_list_cache_search (FmListCache        *self,
                      const char         *account,
                      const char * const *terms)
{
  GPtrArray *results = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) folded = fm_transfer_fold_terms (terms);

  if (account == NULL || folded[0] == NULL)
    return results;
  for (int kind = FM_LIST_RECEIVED; kind >= FM_LIST_SENT; kind--)
    {
      g_autoptr(GListModel) list = remembered (self, account, (FmListKind) kind);

      for (guint i = 0; list != NULL && i < g_list_model_get_n_items (list); i++)
        {
          g_autoptr(FmTransfer) t = g_list_model_get_item (list, i);

          if (fm_transfer_matches (t, (const char * const *) folded))
            g_ptr_array_add (results, g_strdup_printf ("%s:%s", kind == FM_LIST_SENT ? "sent" : "received",
                                                       fm_transfer_get_id (t)));
        }
    }
  return results;
}

/* The transfer a search result names, or NULL. */
FmTransfer *
fm_list_cache_lookup (FmListCache *self,
                      const char  *account,
                      const char  *result_id,
                      FmListKind  *kind)
{
  FmListKind k = g_str_has_prefix (result_id, "sent:") ? FM_LIST_SENT : FM_LIST_RECEIVED;
  const char *id = strchr (result_id, ':');
  g_autoptr(GListModel) list = NULL;

  if (account == NULL || id == NULL ||
      !(g_str_has_prefix (result_id, "sent:") || g_str_has_prefix (result_id, "received:")))
    return NULL;
  id++;
  list = remembered (self, account, k);
  for (guint i = 0; list != NULL && i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(FmTransfer) t = g_list_model_get_item (list, i);

      if (fm_transfer_id_equal (fm_transfer_get_id (t), id))
        {
          if (kind != NULL)
            *kind = k;
          return g_steal_pointer (&t);
        }
    }
  return NULL;
}

static void
fm_list_cache_finalize (GObject *object)
{
  FmListCache *self = FM_LIST_CACHE (object);

  g_thread_pool_free (self->writer, FALSE, TRUE);
  g_free (self->directory);
  g_hash_table_unref (self->memory);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->idle);
  G_OBJECT_CLASS (fm_list_cache_parent_class)->finalize (object);
}

static void
fm_list_cache_class_init (FmListCacheClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fm_list_cache_finalize;
}

static void
fm_list_cache_init (FmListCache *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->idle);
  self->memory = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->writer = g_thread_pool_new (write_in_thread, self, 1, FALSE, NULL);
}

FmListCache *
fm_list_cache_new (const char *directory)
{
  FmListCache *self = g_object_new (FM_TYPE_LIST_CACHE, NULL);

  self->directory = g_strdup (directory);
  return self;
}
