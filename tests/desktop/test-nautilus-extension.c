/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-nautilus-extension.c: the GNOME Files extension, loaded as Nautilus
 * loads it (a GTypeModule calling nautilus_module_initialize), asked for
 * its menu items with fake selections, and activated: the files must
 * arrive at the application through org.freedesktop.Application.Open, or,
 * with nobody on the bus to take them, through `filemail-desktop --send`.
 *
 * Run under a private session bus (run-with-display.sh).
 */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <nautilus-extension.h>

/* ------------------------------------------------ a GTypeModule for it */

#define TEST_TYPE_MODULE (test_module_get_type ())
G_DECLARE_FINAL_TYPE (TestModule, test_module, TEST, MODULE, GTypeModule)

struct _TestModule
{
  GTypeModule parent_instance;
  GModule    *library;
};

G_DEFINE_TYPE (TestModule, test_module, G_TYPE_TYPE_MODULE)

static gboolean
test_module_load (GTypeModule *module)
{
  TestModule *self = TEST_MODULE (module);
  void (*initialize) (GTypeModule *) = NULL;

  self->library = g_module_open (g_getenv ("FM_NAUTILUS_EXTENSION"), G_MODULE_BIND_LOCAL);
  g_assert_nonnull (self->library);
  g_assert_true (g_module_symbol (self->library, "nautilus_module_initialize", (gpointer *) &initialize));
  initialize (module);
  return TRUE;
}

static void
test_module_unload (GTypeModule *module)
{
}

static void
test_module_class_init (TestModuleClass *klass)
{
  G_TYPE_MODULE_CLASS (klass)->load = test_module_load;
  G_TYPE_MODULE_CLASS (klass)->unload = test_module_unload;
}

static void
test_module_init (TestModule *self)
{
}

/* ------------------------------------- a NautilusFileInfo for a URI */

#define TEST_TYPE_FILE (test_file_get_type ())
G_DECLARE_FINAL_TYPE (TestFile, test_file, TEST, FILE, GObject)

struct _TestFile
{
  GObject parent_instance;
  char   *uri;
};

static char *
test_file_get_uri (NautilusFileInfo *info)
{
  return g_strdup (TEST_FILE (info)->uri);
}

static void
test_file_info_iface_init (NautilusFileInfoInterface *iface)
{
  iface->get_uri = test_file_get_uri;
}

G_DEFINE_TYPE_WITH_CODE (TestFile, test_file, G_TYPE_OBJECT,
                         G_IMPLEMENT_INTERFACE (NAUTILUS_TYPE_FILE_INFO, test_file_info_iface_init))

static void
test_file_finalize (GObject *object)
{
  g_free (TEST_FILE (object)->uri);
  G_OBJECT_CLASS (test_file_parent_class)->finalize (object);
}

static void
test_file_class_init (TestFileClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_file_finalize;
}

static void
test_file_init (TestFile *self)
{
}

static GList *
selection (const char *first_uri, ...)
{
  GList *files = NULL;
  va_list args;

  va_start (args, first_uri);
  for (const char *uri = first_uri; uri != NULL; uri = va_arg (args, const char *))
    {
      TestFile *file = g_object_new (TEST_TYPE_FILE, NULL);
      file->uri = g_strdup (uri);
      files = g_list_append (files, file);
    }
  va_end (args);
  return files;
}

/* ------------------------------------------------------------ fixture */

static NautilusMenuProvider *provider;

static GList *
items_for (GList *files)
{
  GList *items = nautilus_menu_provider_get_file_items (provider, files);

  g_list_free_full (files, g_object_unref);
  return items;
}

static void
test_registers_menu_provider (void)
{
  g_assert_true (NAUTILUS_IS_MENU_PROVIDER (provider));
}

static void
test_item_for_selection (void)
{
  GList *items = items_for (selection ("file:///home/me/Holiday%20photo.jpg", "file:///home/me/Reports", NULL));
  g_autofree char *label = NULL;
  g_autofree char *icon = NULL;

  g_assert_cmpuint (g_list_length (items), ==, 1);
  g_object_get (items->data, "label", &label, "icon", &icon, NULL);
  g_assert_cmpstr (label, ==, "Send via Filemail…");
  g_assert_cmpstr (icon, ==, FM_APP_ID "-symbolic");
  g_list_free_full (items, g_object_unref);
}

static void
test_no_item_for_remote_files (void)
{
  /* the application uploads from paths: a remote location is not offered */
  g_assert_null (items_for (selection ("file:///home/me/a.txt", "sftp://host/b.txt", NULL)));
  g_assert_null (items_for (NULL));
}

/* Nobody owns the application's name and the bus cannot start it: the
 * extension runs `filemail-desktop --send URI…` from PATH instead. */
static void
test_falls_back_to_the_program (void)
{
  g_autofree char *dir = g_dir_make_tmp ("fm-nautilus-XXXXXX", NULL);
  g_autofree char *script = g_build_filename (dir, "filemail-desktop", NULL);
  g_autofree char *out = g_build_filename (dir, "args", NULL);
  g_autofree char *body = g_strdup_printf ("#!/bin/sh\nprintf '%%s\\n' \"$@\" > '%s.tmp' && mv '%s.tmp' '%s'\n", out, out, out);
  g_autofree char *path = g_strconcat (dir, ":", g_getenv ("PATH"), NULL);
  g_autofree char *args = NULL;
  gint64 deadline;
  GList *items;

  g_assert_true (g_file_set_contents (script, body, -1, NULL));
  g_assert_cmpint (g_chmod (script, 0755), ==, 0);
  g_setenv ("PATH", path, TRUE);
  items = items_for (selection ("file:///tmp/one%20file.txt", "file:///tmp/two", NULL));
  nautilus_menu_item_activate (items->data);
  /* the script's file is not a main-loop event: poll, within a deadline */
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (!g_file_test (out, G_FILE_TEST_EXISTS))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10 * 1000);
    }
  g_assert_true (g_file_get_contents (out, &args, NULL, NULL));
  g_assert_cmpstr (args, ==, "--send\nfile:///tmp/one%20file.txt\nfile:///tmp/two\n");
  g_list_free_full (items, g_object_unref);
  g_unlink (out);
  g_unlink (script);
  g_rmdir (dir);
}

static void
open_cb (GApplication *app,
         GFile       **files,
         int           n_files,
         const char   *hint,
         gpointer      user_data)
{
  GPtrArray *opened = user_data;

  for (int i = 0; i < n_files; i++)
    g_ptr_array_add (opened, g_file_get_uri (files[i]));
}

/* The application runs: the files reach its open() over D-Bus. */
static void
test_opens_in_running_application (void)
{
  g_autoptr(GApplication) app = g_application_new (FM_APP_ID, G_APPLICATION_HANDLES_OPEN);
  g_autoptr(GPtrArray) opened = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  GList *items;

  g_signal_connect (app, "open", G_CALLBACK (open_cb), opened);
  g_assert_true (g_application_register (app, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (g_application_get_is_remote (app));
  items = items_for (selection ("file:///tmp/report.pdf", "file:///tmp/photos", NULL));
  nautilus_menu_item_activate (items->data);
  while (opened->len < 2)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (opened->pdata[0], ==, "file:///tmp/report.pdf");
  g_assert_cmpstr (opened->pdata[1], ==, "file:///tmp/photos");
  g_list_free_full (items, g_object_unref);
}

int
main (int argc, char *argv[])
{
  GTypeModule *module;  /* never finalized: it owns a registered type */
  const GType *types = NULL;
  int n_types = 0;
  void (*list_types) (const GType **, int *) = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);
  module = g_object_new (TEST_TYPE_MODULE, NULL);
  g_assert_true (g_type_module_use (module));
  g_assert_true (g_module_symbol (TEST_MODULE (module)->library, "nautilus_module_list_types",
                                  (gpointer *) &list_types));
  list_types (&types, &n_types);
  g_assert_cmpint (n_types, ==, 1);
  provider = g_object_new (types[0], NULL);

  g_test_add_func ("/nautilus/registers-menu-provider", test_registers_menu_provider);
  g_test_add_func ("/nautilus/item-for-selection", test_item_for_selection);
  g_test_add_func ("/nautilus/no-item-for-remote-files", test_no_item_for_remote_files);
  g_test_add_func ("/nautilus/falls-back-to-the-program", test_falls_back_to_the_program);
  g_test_add_func ("/nautilus/opens-in-running-application", test_opens_in_running_application);
  ret = g_test_run ();
  g_object_unref (provider);
  return ret;
}
