/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-test-app.c: the GTK application under test (see fm-test-app.h) */
#include <glib/gi18n.h>

#include "fm-test-app.h"

/* Iterates the main loop until @done says so; fails after a minute. */
void
fm_test_spin_until (gboolean (*done) (gpointer),
                    gpointer   data)
{
  gint64 end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (!done (data))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_main_context_iteration (NULL, TRUE);
    }
}

/* Nothing from this machine leaks in: no stored login, no saved uploads;
 * the server is in-process on a free port. The window is left to process
 * exit: destroying it while a toast is still up trips a libadwaita 1.2
 * critical in the overlay's teardown. */
void
fm_test_app_start (FmTestApp   *t,
                   int         *argc,
                   char      ***argv,
                   const char  *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *template = g_strdup_printf ("fm-%s-XXXXXX", name);
  g_autofree char *url = NULL, *state = NULL;

  t->root = g_dir_make_tmp (template, NULL);
  state = g_build_filename (t->root, "state", NULL);
  g_setenv ("XDG_STATE_HOME", state, TRUE);
  g_setenv ("FILEMAIL_LOGINTOKEN", "", TRUE);
  gtk_test_init (argc, argv, NULL);
  /* LANGUAGE=nb FILEMAIL_LOCALEDIR=_build/po: the widgets in Norwegian */
  if (g_getenv ("FILEMAIL_LOCALEDIR") != NULL)
    {
      bindtextdomain (GETTEXT_PACKAGE, g_getenv ("FILEMAIL_LOCALEDIR"));
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
    }
  t->server = fm_test_server_new (t->root, &error);
  g_assert_no_error (error);
  fm_test_server_listen (t->server, 0, &error);
  g_assert_no_error (error);
  url = fm_test_server_get_url (t->server);
  g_setenv ("FILEMAIL_API_URL", url, TRUE);
  t->notifications = fm_fake_notifications_start ();
  t->session_manager = fm_fake_session_manager_start ();
  t->app = fm_application_new ();
  g_application_register (G_APPLICATION (t->app), NULL, &error);
  g_assert_no_error (error);
  t->window = fm_window_new (GTK_APPLICATION (t->app), fm_application_get_session (t->app),
                             fm_application_get_settings (t->app));
  fm_window_set_automation (t->window, fm_application_get_automation (t->app));
  gtk_window_present (GTK_WINDOW (t->window));
}

static gboolean
keep_going (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static gboolean
time_passed (gpointer end)
{
  return g_get_monotonic_time () >= *(gint64 *) end;
}

/* The screen as it is now, drawn, to @path. */
void
fm_test_screenshot_to (const char *path)
{
  gint64 end = g_get_monotonic_time () + G_USEC_PER_SEC / 2;
  g_autofree char *command = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;
  guint tick;

  tick = g_timeout_add (50, keep_going, NULL);
  fm_test_spin_until (time_passed, &end);   /* drawn */
  g_source_remove (tick);
  command = g_strdup_printf ("import -window root -crop 1100x760+0+0 +repage '%s'", path);
  g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, 0);
}

/* The screen as it is, to $FM_SCREENSHOT_DIR (for data/screenshots/). */
void
fm_test_screenshot (const char *name)
{
  const char *dir = g_getenv ("FM_SCREENSHOT_DIR");
  g_autofree char *path = NULL;

  if (dir == NULL)
    return;
  g_mkdir_with_parents (dir, 0755);
  path = g_build_filename (dir, name, NULL);
  fm_test_screenshot_to (path);
}

/* The message dialog on screen, if any. */
AdwMessageDialog *
fm_test_find_message_dialog (void)
{
  g_autoptr(GListModel) toplevels = g_object_ref (gtk_window_get_toplevels ());

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) w = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (w) && gtk_widget_get_visible (w))
        return ADW_MESSAGE_DIALOG (w);
    }
  return NULL;
}

/* The dialog an action just opened: there must be one. */
AdwMessageDialog *
fm_test_open_dialog (void)
{
  AdwMessageDialog *dialog = fm_test_find_message_dialog ();

  g_assert_nonnull (dialog);
  return dialog;
}

typedef gboolean (*Match) (GtkWidget *widget, gconstpointer data);

/* The first widget under @root (itself included), depth first, that
 * @match accepts. */
static GtkWidget *
find_matching (GtkWidget     *root,
               Match          match,
               gconstpointer  data)
{
  if (match (root, data))
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_matching (c, match, data);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
is_of_type (GtkWidget     *widget,
            gconstpointer  type)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, *(const GType *) type);
}

static gboolean
is_label_starting (GtkWidget     *widget,
                   gconstpointer  start)
{
  return GTK_IS_LABEL (widget) && g_str_has_prefix (gtk_label_get_label (GTK_LABEL (widget)), start);
}

/* The first widget of @type under @root. */
GtkWidget *
fm_test_find (GtkWidget *root,
              GType      type)
{
  return find_matching (root, is_of_type, &type);
}

/* The first label under @root whose text starts with @start. */
GtkWidget *
fm_test_find_label (GtkWidget  *root,
                    const char *start)
{
  return find_matching (root, is_label_starting, start);
}

/* What dragging @widget would carry: its GtkDragSource's "prepare", as
 * GTK asks it when a drag starts (NULL: nothing to drag). */
GdkContentProvider *
fm_test_drag_content (GtkWidget *widget)
{
  GListModel *controllers = gtk_widget_observe_controllers (widget);
  GdkContentProvider *content = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (controllers) && content == NULL; i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DRAG_SOURCE (controller))
        g_signal_emit_by_name (controller, "prepare", 1.0, 1.0, &content);
    }
  g_object_unref (controllers);
  return content;
}

static void
after_paint_cb (GdkFrameClock   *clock,
                FmTestFrameGaps *gaps)
{
  gint64 now = g_get_monotonic_time ();

  gaps->longest = MAX (gaps->longest, now - gaps->last);
  gaps->last = now;
}

static gboolean
keep_drawing_cb (GtkWidget *widget, GdkFrameClock *clock, gpointer data)
{
  gtk_widget_queue_draw (widget);
  return G_SOURCE_CONTINUE;
}

void
fm_test_frame_gaps_start (FmTestFrameGaps *gaps,
                          GtkWidget       *window)
{
  gaps->window = window;
  gaps->first = gaps->last = g_get_monotonic_time ();
  gaps->longest = 0;
  gaps->handler = g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint",
                                    G_CALLBACK (after_paint_cb), gaps);
  gaps->tick = gtk_widget_add_tick_callback (window, keep_drawing_cb, NULL, NULL);
}

void
fm_test_frame_gaps_stop (FmTestFrameGaps *gaps)
{
  g_signal_handler_disconnect (gtk_widget_get_frame_clock (gaps->window), gaps->handler);
  gtk_widget_remove_tick_callback (gaps->window, gaps->tick);
}

typedef struct {
  FmTransferView *view;
  guint           position;
} RowAt;

static gboolean
row_made (gpointer data)
{
  RowAt *at = data;

  return fm_transfer_view_get_file_row (at->view, at->position) != NULL;
}

/* The row of the file at @position in @view, once the list has made it
 * (at its next layout: a list view makes rows for what it shows). */
FmFileRow *
fm_test_file_row (FmTransferView *view,
                  guint           position)
{
  RowAt at = { view, position };

  fm_test_spin_until (row_made, &at);
  return fm_transfer_view_get_file_row (view, position);
}
