/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-transfer-view-private.h: what the files of FmTransferView share
 *
 *   fm-transfer-view.c          the view: header, files, loading, links, downloads
 *   fm-transfer-view-actions.c  the operations' dialogs: forward, edit, delete, rename, remove
 */
#pragma once

#include "fm-client.h"
#include "fm-file-row.h"
#include "fm-transfer-view.h"

G_BEGIN_DECLS

struct _FmTransferView
{
  AdwBin          parent_instance;

  FmSession      *session;
  gboolean        sent;
  gboolean        remembered;   /* the Links list: opened by link, forgotten on request */
  FmTransfer     *summary;
  FmTransfer     *transfer;     /* with its files, from transfer/get */
  char           *password;
  char           *error;
  GCancellable   *cancellable;  /* the load; replaced per transfer */
  guint           busy;         /* server calls under way */
  gboolean        loading;

  GtkStack       *stack;
  AdwStatusPage  *error_page;
  GtkPasswordEntry *password_entry;
  GtkLabel       *password_error;
  GtkLabel       *subject_label;
  GtkLabel       *people_label;
  GtkLabel       *message_label;
  GtkWidget      *copy_link_button;
  GtkWidget      *qr_button;
  GtkWidget      *more_button;
  GtkLabel       *link_label;
  GtkWidget      *forget_button;
  GtkWidget      *error_forget_button;
  GtkWidget      *error_retry_button;
  GtkWidget      *download_all_button;
  GtkWidget      *show_upload_button;   /* an unfinished transfer this computer sends */
  char           *upload_id;
  gboolean        unfinished;
  guint           download_all_count;   /* files Download All started; 0: none waited for */
  guint           download_all_tick;    /* update_download_all() waiting */
  gint64          answered_at;          /* transfer/get's answer in hand, µs */
  gint64          shown_at;             /* the first frame drawn with it */
  AdwActionRow   *sent_row;
  AdwActionRow   *expires_row;
  AdwActionRow   *downloads_row;
  AdwActionRow   *size_row;
  AdwActionRow   *link_row;
  GtkScrolledWindow *files_scroller;
  GtkListView    *files_list;
  GtkSliceListModel *files_shown;       /* the first files, growing to all */
  guint           files_grow;           /* the idle that grows it */
};

typedef gboolean (*FinishFunc) (FmClient *client, GAsyncResult *result, GError **error);

typedef struct {
  FmTransferView *view;
  FmTransfer     *transfer;     /* the one acted on: the view may show another by now */
  FinishFunc      finish;
  char           *done_message;
  gboolean        deleted;
  char           *forwarded_to;   /* a forward: whom to add to what this computer knows */
  char           *new_subject;    /* an edit: the subject the server accepted */
} Operation;

FmClient  *_fm_transfer_view_client           (FmTransferView *self);
GtkWindow *_fm_transfer_view_window           (FmTransferView *self);
void       _fm_transfer_view_toast            (FmTransferView *self,
                                               const char     *message);
void       _fm_transfer_view_report_failure   (FmTransferView *self,
                                               const GError   *error);
Operation *_fm_transfer_view_operation_start  (FmTransferView *self,
                                               FinishFunc      finish,
                                               const char     *done_message,
                                               gboolean        deletes);
void       _fm_transfer_view_operation_done_cb (GObject      *source,
                                                GAsyncResult *result,
                                                gpointer      user_data);

void       _fm_transfer_view_forward_action   (GtkWidget *widget, const char *name, GVariant *parameter);
void       _fm_transfer_view_edit_action      (GtkWidget *widget, const char *name, GVariant *parameter);
void       _fm_transfer_view_delete_action    (GtkWidget *widget, const char *name, GVariant *parameter);
void       _fm_transfer_view_forget_action    (GtkWidget *widget, const char *name, GVariant *parameter);
void       _fm_transfer_view_file_rename_cb   (FmFileRow *row, FmTransferView *self);
void       _fm_transfer_view_files_init       (FmTransferView *self);
void       _fm_transfer_view_files_show       (FmTransferView *self,
                                               GListModel     *files);
void       _fm_transfer_view_files_dispose    (FmTransferView *self);
void       _fm_transfer_view_download_all_action (GtkWidget *widget, const char *name, GVariant *parameter);
void       _fm_transfer_view_focus_first_open (FmTransferView *self);
void       _fm_transfer_view_file_remove_cb   (FmFileRow *row, FmTransferView *self);

G_END_DECLS
