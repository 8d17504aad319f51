/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-entry-row.h: a titled text field in a boxed list that a screen reader announces */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define FM_TYPE_ENTRY_ROW (fm_entry_row_get_type ())
G_DECLARE_FINAL_TYPE (FmEntryRow, fm_entry_row, FM, ENTRY_ROW, AdwActionRow)

GtkWidget *fm_entry_row_get_entry   (FmEntryRow *self);
void       fm_entry_row_set_problem (FmEntryRow *self,
                                     const char *problem);

G_END_DECLS
