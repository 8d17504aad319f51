/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-transfer-view.h: one transfer, its files and what can be done with it */
#pragma once

#include <adwaita.h>

#include "fm-file-row.h"
#include "fm-session.h"
#include "fm-transfer.h"

G_BEGIN_DECLS

#define FM_TYPE_TRANSFER_VIEW (fm_transfer_view_get_type ())
G_DECLARE_FINAL_TYPE (FmTransferView, fm_transfer_view, FM, TRANSFER_VIEW, AdwBin)

void        fm_transfer_view_setup        (FmTransferView *self,
                                           FmSession      *session,
                                           gboolean        sent);
void        fm_transfer_view_set_remembered (FmTransferView *self,
                                           gboolean        remembered);
void        fm_transfer_view_show         (FmTransferView *self,
                                           FmTransfer     *summary);
void        fm_transfer_view_reload       (FmTransferView *self);
void        fm_transfer_view_unlock       (FmTransferView *self,
                                           const char     *password);
void        fm_transfer_view_forward      (FmTransferView *self,
                                           const char     *to);
FmTransfer *fm_transfer_view_get_transfer (FmTransferView *self);
const char *fm_transfer_view_get_state    (FmTransferView *self);
const char *fm_transfer_view_get_error    (FmTransferView *self);
FmFileRow  *fm_transfer_view_get_file_row (FmTransferView *self,
                                           guint           position);
gboolean    fm_transfer_view_is_busy      (FmTransferView *self);
gint64      fm_transfer_view_get_show_time (FmTransferView *self);
guint       fm_transfer_view_count_file_rows (FmTransferView *self);
guint       fm_transfer_view_get_n_files_shown (FmTransferView *self);

GtkWidget  *fm_transfer_view_get_download_all_button (FmTransferView *self);

G_END_DECLS
