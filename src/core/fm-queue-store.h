/* fm-queue-store.h: unfinished uploads on disk
 *
 * One JSON file, $XDG_STATE_HOME/filemail/queue.json, mode 0600 (it holds
 * transfer keys), replaced atomically. Writes happen in a worker thread;
 * while one is running, later saves collapse into a single next write, so
 * saving after every acknowledged chunk costs at most one write in flight.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define FM_TYPE_QUEUE_STORE (fm_queue_store_get_type ())
G_DECLARE_FINAL_TYPE (FmQueueStore, fm_queue_store, FM, QUEUE_STORE, GObject)

FmQueueStore *fm_queue_store_new          (const char    *path);
FmQueueStore *fm_queue_store_new_default  (void);
const char   *fm_queue_store_get_path     (FmQueueStore  *self);
JsonArray    *fm_queue_store_load         (FmQueueStore  *self,
                                           GError       **error);
void          fm_queue_store_save         (FmQueueStore  *self,
                                           JsonArray     *jobs);
gboolean      fm_queue_store_is_idle      (FmQueueStore  *self);
void          fm_queue_store_flush_async  (FmQueueStore        *self,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean      fm_queue_store_flush_finish (FmQueueStore  *self,
                                           GAsyncResult  *result,
                                           GError       **error);

G_END_DECLS
