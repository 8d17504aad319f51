/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-arrivals.c: transfers received since the last look */
#define G_LOG_DOMAIN "fm-arrivals"

#include "fm-arrivals.h"

struct _FmArrivals
{
  GObject     parent_instance;

  FmClient   *client;
  gint64      mark_ms;    /* asked "from" this time */
  GHashTable *seen;       /* ids already told of at the mark's second */
};

G_DEFINE_FINAL_TYPE (FmArrivals, fm_arrivals, G_TYPE_OBJECT)

static void
fm_arrivals_finalize (GObject *object)
{
  FmArrivals *self = FM_ARRIVALS (object);

  g_clear_object (&self->client);
  g_hash_table_unref (self->seen);
  G_OBJECT_CLASS (fm_arrivals_parent_class)->finalize (object);
}

static void
fm_arrivals_class_init (FmArrivalsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fm_arrivals_finalize;
}

static void
fm_arrivals_init (FmArrivals *self)
{
  self->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

FmArrivals *
fm_arrivals_new (FmClient *client,
                 gint64    since_unix_ms)
{
  FmArrivals *self = g_object_new (FM_TYPE_ARRIVALS, NULL);

  self->client = g_object_ref (client);
  self->mark_ms = since_unix_ms;
  return self;
}

gint64
fm_arrivals_get_mark (FmArrivals *self)
{
  return self->mark_ms;
}

static void
received_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FmArrivals *self = g_task_get_source_object (task);
  GError *error = NULL;
  g_autoptr(GListModel) list = fm_client_received_get_finish (FM_CLIENT (source), result, &error);
  g_autoptr(GListStore) fresh = g_list_store_new (FM_TYPE_TRANSFER);
  gint64 newest = self->mark_ms;

  if (list == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(FmTransfer) t = g_list_model_get_item (list, i);
      gint64 sent_ms = fm_transfer_get_sent_date (t) * 1000;

      /* dates come in seconds: one second's transfers may be asked twice */
      if (sent_ms < self->mark_ms - 999 || g_hash_table_contains (self->seen, fm_transfer_get_id (t)))
        continue;
      newest = MAX (newest, sent_ms);
      g_hash_table_add (self->seen, g_strdup (fm_transfer_get_id (t)));
      g_list_store_append (fresh, t);
    }
  self->mark_ms = newest;
  g_task_return_pointer (task, g_steal_pointer (&fresh), g_object_unref);
}

/* What arrived since the last check (or since the watcher was made). */
void
fm_arrivals_check_async (FmArrivals          *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, fm_arrivals_check_async);
  fm_client_received_get_async (self->client, FALSE, MAX (self->mark_ms - 999, 1), cancellable,
                                received_cb, task);
}

GListModel *
fm_arrivals_check_finish (FmArrivals    *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The ids already told of at the mark's second: kept with the mark, so a
 * restart does not tell of them again. */
GStrv
fm_arrivals_dup_seen (FmArrivals *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  GHashTableIter iter;
  const char *id;

  g_hash_table_iter_init (&iter, self->seen);
  while (g_hash_table_iter_next (&iter, (gpointer *) &id, NULL))
    g_strv_builder_add (builder, id);
  return g_strv_builder_end (builder);
}

void
fm_arrivals_add_seen (FmArrivals *self,
                      const char *id)
{
  g_hash_table_add (self->seen, g_strdup (id));
}
