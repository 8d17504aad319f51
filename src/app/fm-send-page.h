/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-send-page.h: pick files, fill in the form, send; watch transfers */
#pragma once

#include <adwaita.h>

#include "fm-session.h"

G_BEGIN_DECLS

#define FM_TYPE_SEND_PAGE (fm_send_page_get_type ())
G_DECLARE_FINAL_TYPE (FmSendPage, fm_send_page, FM, SEND_PAGE, AdwBin)

void        fm_send_page_setup          (FmSendPage     *self,
                                         FmSession      *session,
                                         GSettings      *settings);
void        fm_send_page_add_files       (FmSendPage     *self,
                                          GFile         **files,
                                          guint           n_files);
void        fm_send_page_paste           (FmSendPage     *self);
GListModel *fm_send_page_get_files       (FmSendPage     *self);
gboolean    fm_send_page_is_valid        (FmSendPage     *self);
const char *fm_send_page_get_hint        (FmSendPage     *self);
const char *fm_send_page_get_status      (FmSendPage     *self);

/* for tests: the form's fields */
GtkEditable *fm_send_page_get_to_entry      (FmSendPage *self);
GtkEditable *fm_send_page_get_from_entry    (FmSendPage *self);
GtkEditable *fm_send_page_get_subject_entry (FmSendPage *self);

G_END_DECLS
