/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-transfer-list.h: the Inbox (received) or Outbox (sent) list */
#pragma once

#include "fm-details-loader.h"

#include <adwaita.h>

#include "fm-session.h"
#include "fm-transfer-view.h"

G_BEGIN_DECLS

#define FM_TYPE_TRANSFER_LIST (fm_transfer_list_get_type ())
G_DECLARE_FINAL_TYPE (FmTransferList, fm_transfer_list, FM, TRANSFER_LIST, AdwBin)

void        fm_transfer_list_set_session (FmTransferList *self,
                                          FmSession      *session);
void        fm_transfer_list_refresh         (FmTransferList *self);
void        fm_transfer_list_refresh_if_stale (FmTransferList *self);
GListModel *fm_transfer_list_get_model       (FmTransferList *self);
const char *fm_transfer_list_get_state       (FmTransferList *self);
GListModel *fm_transfer_list_get_uploads     (FmTransferList *self);
gboolean    fm_transfer_list_is_loading     (FmTransferList *self);
GListModel *fm_transfer_list_get_shown       (FmTransferList *self);
FmTransferView *fm_transfer_list_get_view    (FmTransferList *self);
void        fm_transfer_list_select_id       (FmTransferList *self,
                                              const char     *id);
void        fm_transfer_list_select          (FmTransferList *self,
                                              guint           position);
void        fm_transfer_list_set_search      (FmTransferList *self,
                                              const char     *text);
gint64      fm_transfer_list_get_show_time   (FmTransferList *self);

FmDetailsLoader *fm_transfer_list_get_details_loader (FmTransferList *self);
gboolean    fm_transfer_list_go_back        (FmTransferList *self);
const char *fm_transfer_list_get_details_title (FmTransferList *self);
gboolean    fm_transfer_list_focus_search   (FmTransferList *self);
gboolean         fm_transfer_list_details_settled (FmTransferList *self);

G_END_DECLS
