/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-tls-database.c: the system's trust, plus a company's CA */
#define G_LOG_DOMAIN "fm-tls-database"

#define MAX_CA_FILE_SIZE (4 * 1024 * 1024)

#include <glib/gi18n-lib.h>

#include "fm-state-file.h"
#include "fm-tls-database.h"

struct _FmTlsDatabase
{
  GTlsDatabase  parent_instance;

  GTlsDatabase *system;
  GTlsDatabase *extra;     /* the company's CA file */
};

G_DEFINE_FINAL_TYPE (FmTlsDatabase, fm_tls_database, G_TYPE_TLS_DATABASE)

static GTlsCertificateFlags
verify_chain (GTlsDatabase             *database,
              GTlsCertificate          *chain,
              const char               *purpose,
              GSocketConnectable       *identity,
              GTlsInteraction          *interaction,
              GTlsDatabaseVerifyFlags   flags,
              GCancellable             *cancellable,
              GError                  **error)
{
  FmTlsDatabase *self = FM_TLS_DATABASE (database);
  GTlsCertificateFlags by_system;
  GTlsCertificateFlags by_file;

  by_system = g_tls_database_verify_chain (self->system, chain, purpose, identity, interaction, flags,
                                           cancellable, error);
  /* only an unknown authority is the file's to settle */
  if (!(by_system & G_TLS_CERTIFICATE_UNKNOWN_CA) || self->extra == NULL)
    return by_system;
  by_file = g_tls_database_verify_chain (self->extra, chain, purpose, identity, interaction, flags,
                                         cancellable, NULL);
  /* the file knows the authority: its word on the rest (a wrong name, an
   * expired certificate) is what counts */
  return (by_file & G_TLS_CERTIFICATE_UNKNOWN_CA) ? by_system : by_file;
}

static char *
create_certificate_handle (GTlsDatabase    *database,
                           GTlsCertificate *certificate)
{
  return g_tls_database_create_certificate_handle (FM_TLS_DATABASE (database)->system, certificate);
}

static GTlsCertificate *
lookup_certificate_for_handle (GTlsDatabase            *database,
                               const char              *handle,
                               GTlsInteraction         *interaction,
                               GTlsDatabaseLookupFlags  flags,
                               GCancellable            *cancellable,
                               GError                 **error)
{
  return g_tls_database_lookup_certificate_for_handle (FM_TLS_DATABASE (database)->system, handle,
                                                       interaction, flags, cancellable, error);
}

static GTlsCertificate *
lookup_certificate_issuer (GTlsDatabase            *database,
                           GTlsCertificate         *certificate,
                           GTlsInteraction         *interaction,
                           GTlsDatabaseLookupFlags  flags,
                           GCancellable            *cancellable,
                           GError                 **error)
{
  FmTlsDatabase *self = FM_TLS_DATABASE (database);
  GTlsCertificate *issuer = g_tls_database_lookup_certificate_issuer (self->system, certificate, interaction,
                                                                     flags, cancellable, error);

  if (issuer == NULL && self->extra != NULL && (error == NULL || *error == NULL))
    issuer = g_tls_database_lookup_certificate_issuer (self->extra, certificate, interaction, flags,
                                                       cancellable, NULL);
  return issuer;
}

static GList *
lookup_certificates_issued_by (GTlsDatabase            *database,
                               GByteArray              *issuer_raw_dn,
                               GTlsInteraction         *interaction,
                               GTlsDatabaseLookupFlags  flags,
                               GCancellable            *cancellable,
                               GError                 **error)
{
  return g_tls_database_lookup_certificates_issued_by (FM_TLS_DATABASE (database)->system, issuer_raw_dn,
                                                       interaction, flags, cancellable, error);
}

static void
fm_tls_database_finalize (GObject *object)
{
  FmTlsDatabase *self = FM_TLS_DATABASE (object);

  g_clear_object (&self->system);
  g_clear_object (&self->extra);
  G_OBJECT_CLASS (fm_tls_database_parent_class)->finalize (object);
}

static void
fm_tls_database_class_init (FmTlsDatabaseClass *klass)
{
  GTlsDatabaseClass *database_class = G_TLS_DATABASE_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = fm_tls_database_finalize;
  database_class->verify_chain = verify_chain;
  database_class->create_certificate_handle = create_certificate_handle;
  database_class->lookup_certificate_for_handle = lookup_certificate_for_handle;
  database_class->lookup_certificate_issuer = lookup_certificate_issuer;
  database_class->lookup_certificates_issued_by = lookup_certificates_issued_by;
}

static void
fm_tls_database_init (FmTlsDatabase *self)
{
}

/* The system store, and the authorities in @ca_file (PEM) for what it
 * does not know. NULL and a message a person understands if the file
 * cannot be read. */
GTlsDatabase *
fm_tls_database_new (const char  *ca_file,
                     GError     **error)
{
  g_autoptr(FmTlsDatabase) self = g_object_new (FM_TYPE_TLS_DATABASE, NULL);
  GTlsBackend *backend = g_tls_backend_get_default ();
  g_autoptr(GError) local_error = NULL;

  self->system = g_tls_backend_get_default_database (backend);
  if (self->system == NULL)
    {
      g_set_error_literal (error, G_TLS_ERROR, G_TLS_ERROR_UNAVAILABLE, _("This computer has no TLS support."));
      return NULL;
    }
  if (ca_file != NULL && *ca_file != '\0')
    {
      struct stat st;

      /* a FIFO would hang the reader, /dev/zero fill memory: a regular
       * file (a link to one is the user's choice) of at most 4 MiB, or
       * nothing is read */
      if (!fm_state_file_check (ca_file, MAX_CA_FILE_SIZE, FM_STATE_FILE_FOLLOW_LINKS, &st, &local_error))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("The certificate authority file %s cannot be used: %s"), ca_file, local_error->message);
          return NULL;
        }
      self->extra = g_tls_file_database_new (ca_file, &local_error);
      if (self->extra == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("The certificate authority file %s cannot be used: %s"), ca_file, local_error->message);
          return NULL;
        }
    }
  return G_TLS_DATABASE (g_steal_pointer (&self));
}
