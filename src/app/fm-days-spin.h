/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-days-spin.h: a spin button of days whose 0 reads "Account default"
 * and whose row says the date it comes to */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

void fm_days_spin_setup (GtkSpinButton *spin,
                         AdwActionRow  *row,
                         gint64         from_unix);
void fm_days_spin_set_from (GtkSpinButton *spin,
                            gint64         from_unix);

G_END_DECLS
