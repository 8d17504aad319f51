/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-queue-store.h: unfinished uploads on disk
 *
 * One JSON file per job in $XDG_STATE_HOME/filemail/uploads/, mode 0600
 * (they hold transfer keys), each replaced atomically. One file per job
 * means two processes (the app and a `filemail send`) never overwrite each
 * other's jobs. Writes run in a worker thread, one at a time; saves of a
 * job made while a write is running collapse into its next write, so saving
 * after every acknowledged chunk costs little.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define FM_TYPE_QUEUE_STORE (fm_queue_store_get_type ())
G_DECLARE_FINAL_TYPE (FmQueueStore, fm_queue_store, FM, QUEUE_STORE, GObject)

FmQueueStore *fm_queue_store_new          (const char    *directory);
FmQueueStore *fm_queue_store_new_default  (void);
const char   *fm_queue_store_get_directory (FmQueueStore *self);
JsonArray    *fm_queue_store_load         (FmQueueStore  *self,
                                           GError       **error);
void          fm_queue_store_save         (FmQueueStore  *self,
                                           const char    *id,
                                           JsonObject    *job);
void          fm_queue_store_save_with_files (FmQueueStore *self,
                                              const char   *id,
                                              JsonObject   *job,
                                              GString      *files);
guint         fm_queue_store_append_ack   (FmQueueStore  *self,
                                           const char    *id,
                                           guint          file,
                                           gint64         chunk);
void          fm_queue_store_remove       (FmQueueStore  *self,
                                           const char    *id);
void          fm_queue_store_set_aside    (FmQueueStore  *self,
                                           const char    *id,
                                           const char    *title,
                                           const char    *why);
GStrv         fm_queue_store_take_set_aside (FmQueueStore *self);
gboolean      fm_queue_store_is_idle      (FmQueueStore  *self);
void          fm_queue_store_flush_async  (FmQueueStore        *self,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean      fm_queue_store_flush_finish (FmQueueStore  *self,
                                           GAsyncResult  *result,
                                           GError       **error);

G_END_DECLS
