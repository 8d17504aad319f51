/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-send-item.h: a file or folder picked for the next transfer */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define FM_TYPE_SEND_ITEM (fm_send_item_get_type ())
G_DECLARE_FINAL_TYPE (FmSendItem, fm_send_item, FM, SEND_ITEM, GObject)

typedef void (*FmSendItemsCounted) (GObject *owner);

GPtrArray  *fm_send_items_new       (GFile              **files,
                                     guint                n_files,
                                     GObject             *owner,
                                     FmSendItemsCounted   counted);
GFile      *fm_send_item_get_file   (FmSendItem *self);
const char *fm_send_item_get_name   (FmSendItem *self);
gint64      fm_send_item_get_size   (FmSendItem *self);
guint       fm_send_item_get_n_files (FmSendItem *self);
GIcon      *fm_send_item_get_icon   (FmSendItem *self);
const char *fm_send_item_get_problem (FmSendItem *self);

G_END_DECLS
