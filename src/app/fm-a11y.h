/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-a11y.h: names for what libadwaita 1.2 and GTK 4.8 leave unnamed */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

void fm_a11y_name_tree        (GtkWidget   *root);
void fm_a11y_hide_when_closed (GtkRevealer *revealer);
void fm_a11y_row_not_a_stop   (GtkWidget   *row);

G_END_DECLS
