/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-upload-queue.h: the uploads of this user, as a GListModel of
 * FmUploadJob, run a few at a time and saved to an FmQueueStore after every
 * change so none is lost to a crash or a quit
 */
#pragma once

#include "fm-client.h"
#include "fm-queue-store.h"
#include "fm-sent-history.h"
#include "fm-upload-job.h"

G_BEGIN_DECLS

#define FM_TYPE_UPLOAD_QUEUE (fm_upload_queue_get_type ())
G_DECLARE_FINAL_TYPE (FmUploadQueue, fm_upload_queue, FM, UPLOAD_QUEUE, GObject)

FmUploadQueue *fm_upload_queue_new              (FmClient       *client,
                                                 FmQueueStore   *store);
FmClient      *fm_upload_queue_get_client       (FmUploadQueue  *self);
FmQueueStore  *fm_upload_queue_get_store        (FmUploadQueue  *self);
void           fm_upload_queue_set_max_running  (FmUploadQueue  *self,
                                                 guint           max_running);
void           fm_upload_queue_set_network_monitor (FmUploadQueue   *self,
                                                 GNetworkMonitor *monitor);
GNetworkMonitor *fm_upload_queue_get_network_monitor (FmUploadQueue *self);
void           fm_upload_queue_set_keep_finished (FmUploadQueue *self,
                                                 gboolean       keep);
gboolean       fm_upload_queue_load             (FmUploadQueue  *self,
                                                 GError        **error);
void           fm_upload_queue_add              (FmUploadQueue  *self,
                                                 FmUploadJob    *job);
void           fm_upload_queue_remove           (FmUploadQueue  *self,
                                                 FmUploadJob    *job);
void           fm_upload_queue_put_back         (FmUploadQueue  *self,
                                                 FmUploadJob    *job,
                                                 guint           position);
FmUploadJob   *fm_upload_queue_send_again       (FmUploadQueue  *self,
                                                 FmUploadJob    *job,
                                                 const char     *password);
FmUploadJob   *fm_upload_queue_find             (FmUploadQueue  *self,
                                                 const char     *id);
guint          fm_upload_queue_get_n_active     (FmUploadQueue  *self);

FmSentHistory *fm_upload_queue_get_history   (FmUploadQueue *self);

G_END_DECLS
