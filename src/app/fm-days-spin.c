/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-days-spin.c: the expiry as people choose it
 *
 * "days: Set to default value of account if not specified" (the
 * reference, initialize): 0 on the spin button is that choice, shown as
 * "Account default", and nothing is sent. Any other value is shown in the
 * row's subtitle as the date it comes to, counted from @from_unix (now
 * for a new transfer, the sent date for an edit: the reading this client
 * takes for update's days, see HACKING.md).
 */
#define G_LOG_DOMAIN "fm-days-spin"

#include <glib/gi18n.h>

#include "fm-days-spin.h"

#define FROM_KEY "fm-days-from"
#define ROW_KEY "fm-days-row"

static gboolean
output_cb (GtkSpinButton *spin,
           gpointer       user_data)
{
  if (gtk_spin_button_get_value_as_int (spin) != 0 || gtk_adjustment_get_lower (gtk_spin_button_get_adjustment (spin)) > 0)
    return FALSE;
  gtk_editable_set_text (GTK_EDITABLE (spin), _("Account default"));
  return TRUE;
}

static int
input_cb (GtkSpinButton *spin,
          double        *value,
          gpointer       user_data)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (spin));
  char *end = NULL;
  gint64 n = g_ascii_strtoll (text, &end, 10);

  if (end != text && *end == '\0')
    {
      *value = (double) n;
      return TRUE;
    }
  /* "Account default", or anything that is not a number */
  *value = 0;
  return TRUE;
}

static void
update_subtitle (GtkSpinButton *spin)
{
  AdwActionRow *row = g_object_get_data (G_OBJECT (spin), ROW_KEY);
  gint64 from = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (spin), FROM_KEY)) ;
  int days = gtk_spin_button_get_value_as_int (spin);
  g_autoptr(GDateTime) start = NULL;
  g_autoptr(GDateTime) until = NULL;
  g_autofree char *date = NULL;
  g_autofree char *text = NULL;

  if (row == NULL)
    return;
  if (days <= 0)
    {
      adw_action_row_set_subtitle (row, _("As long as your account keeps transfers"));
      return;
    }
  start = from > 0 ? g_date_time_new_from_unix_local (from) : g_date_time_new_now_local ();
  until = g_date_time_add_days (start, days);
  /* TRANSLATORS: a date as in "Available until 12 January 2027" */
  date = g_date_time_format (until, _("%-d %B %Y"));
  text = g_strdup_printf (_("Available until %s"), date);
  adw_action_row_set_subtitle (row, text);
}

/* @row (may be NULL) shows the date; @from_unix: 0 for "from now". */
void
fm_days_spin_setup (GtkSpinButton *spin,
                    AdwActionRow  *row,
                    gint64         from_unix)
{
  gtk_spin_button_set_numeric (spin, FALSE);
  gtk_editable_set_width_chars (GTK_EDITABLE (spin), 15);
  g_signal_connect (spin, "output", G_CALLBACK (output_cb), NULL);
  g_signal_connect (spin, "input", G_CALLBACK (input_cb), NULL);
  g_object_set_data (G_OBJECT (spin), ROW_KEY, row);
  g_object_set_data (G_OBJECT (spin), FROM_KEY, GSIZE_TO_POINTER ((gsize) MAX (from_unix, 0)));
  g_signal_connect (spin, "value-changed", G_CALLBACK (update_subtitle), NULL);
  update_subtitle (spin);
  gtk_spin_button_update (spin);
}

void
fm_days_spin_set_from (GtkSpinButton *spin,
                       gint64         from_unix)
{
  g_object_set_data (G_OBJECT (spin), FROM_KEY, GSIZE_TO_POINTER ((gsize) MAX (from_unix, 0)));
  update_subtitle (spin);
}
