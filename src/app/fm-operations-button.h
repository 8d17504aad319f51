/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-operations-button.h: the header's progress of everything sent and downloaded */
#pragma once

#include <adwaita.h>

#include "fm-session.h"

G_BEGIN_DECLS

#define FM_TYPE_OPERATIONS_BUTTON (fm_operations_button_get_type ())
G_DECLARE_FINAL_TYPE (FmOperationsButton, fm_operations_button, FM, OPERATIONS_BUTTON, AdwBin)

void        fm_operations_button_set_session  (FmOperationsButton *self,
                                               FmSession          *session);
double      fm_operations_button_get_fraction (FmOperationsButton *self);
const char *fm_operations_button_get_summary  (FmOperationsButton *self);
GtkListBox *fm_operations_button_get_uploads_list (FmOperationsButton *self);
GtkMenuButton *fm_operations_button_get_button (FmOperationsButton *self);

G_END_DECLS
