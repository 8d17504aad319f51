/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-error.c: the FM_ERROR domain and its table of human sentences */
#define G_LOG_DOMAIN "fm-error"

#include <glib/gi18n-lib.h>

#include "fm-error.h"
#include "fm-format.h"

/* An FM_ERROR carries the server's own errormessage beside its code, so
 * a window can show it next to the translated sentence, and the technical
 * detail of a failure told in plain words (for a tooltip, --verbose). */
typedef struct {
  char *server_message;
  char *detail;
} FmErrorPrivate;

static void
fm_error_private_init (FmErrorPrivate *priv)
{
  priv->server_message = NULL;
  priv->detail = NULL;
}

static void
fm_error_private_copy (const FmErrorPrivate *src,
                       FmErrorPrivate       *dest)
{
  dest->server_message = g_strdup (src->server_message);
  dest->detail = g_strdup (src->detail);
}

static void
fm_error_private_clear (FmErrorPrivate *priv)
{
  g_clear_pointer (&priv->server_message, g_free);
  g_clear_pointer (&priv->detail, g_free);
}

G_DEFINE_EXTENDED_ERROR (FmError, fm_error)

typedef struct {
  int         code;
  const char *name;
  const char *message;
} FmErrorEntry;

static const FmErrorEntry error_table[] = {
  { FM_ERROR_UNKNOWN_ERROR, "UnknownError", N_("Something went wrong on the Filemail server.") },
  { FM_ERROR_INVALID_PARAMETER, "InvalidParameter", N_("The server rejected one of the values sent.") },
  { FM_ERROR_INPUT_PARAMETER_MISSING, "InputParameterMissing", N_("A required value was missing from the request.") },
  { FM_ERROR_INVALID_EMAIL, "InvalidEmail", N_("One of the e-mail addresses is not valid.") },
  { FM_ERROR_NOT_FOUND, "NotFound", N_("The transfer or file could not be found.") },
  { FM_ERROR_CANT_REMOVE_LAST_CORP_ADMIN, "CantRemoveLastCorpAdmin", N_("The last administrator of a company account cannot be removed.") },
  { FM_ERROR_CANT_REMOVE_YOURSELF, "CantRemoveYourself", N_("You cannot remove yourself.") },
  { FM_ERROR_CANT_REMOVE_ADMIN_ROLE_FOR_YOURSELF, "CantRemoveAdminRoleForYourself", N_("You cannot remove your own administrator role.") },
  { FM_ERROR_SERVICE_INTERRUPTION, "ServiceInterruption", N_("Filemail is temporarily unavailable. Try again in a few minutes.") },
  { FM_ERROR_WRONG_USERNAME_PASSWORD, "WrongUsernamePassword", N_("The e-mail address or password is wrong.") },
  { FM_ERROR_PASSWORD_TOO_WEAK, "PasswordTooWeak", N_("The password is too weak.") },
  { FM_ERROR_INVALID_OR_EXPIRED_LOGIN_TOKEN, "InvalidOrExpiredLoginToken", N_("Your login has expired. Log in again.") },
  { FM_ERROR_ACCOUNT_EXPIRED, "AccountExpired", N_("Your Filemail account has expired.") },
  { FM_ERROR_CAPTCHA_REQUIRED_FOR_NEXT_LOGIN, "CaptchaRequiredForNextLogin", N_("Too many failed logins: log in once on the Filemail website to solve a captcha, then try again.") },
  { FM_ERROR_LDAP_UNABLE_TO_CREATE_USER, "LDAPUnableToCreateUser", N_("Your company directory (LDAP) could not create your user.") },
  { FM_ERROR_LDAP_WRONG_USERNAME_PASSWORD, "LDAPWrongUsernamePassword", N_("Your company directory (LDAP) rejected the user name or password.") },
  { FM_ERROR_ACCESS_DENIED, "AccessDenied", N_("You do not have permission to do this.") },
  { FM_ERROR_CORP_AUTHENTICATION_REQUIRED, "CorpAuthenticationRequired", N_("Your company requires you to log in through its own sign-in.") },
  { FM_ERROR_INVALID_REQUEST, "InvalidRequest", N_("The server rejected the request as invalid.") },
  { FM_ERROR_USE_SSO_LINK, "UseSsoLink", N_("Your company uses single sign-on: log in through your company’s link.") },
  { FM_ERROR_SSO_SESSION_EXPIRED, "SsoSessionExpired", N_("Your single sign-on session has expired. Log in again.") },
  { FM_ERROR_SSO_COMPANY_DOES_NOT_USE_AD_LOGIN, "SsoCompanyDoesNotUseAdLogin", N_("Your company does not use directory (AD) login.") },
  { FM_ERROR_SSO_GROUP_ID_NOT_SUPPORTED, "SsoGroupIdNotSupported", N_("Your single sign-on group is not supported.") },
  { FM_ERROR_SSO_SIGNATURE_INVALID, "SsoSignatureInvalid", N_("The single sign-on signature was not valid.") },
  { FM_ERROR_TWO_FACTOR_TOKEN_NOT_FOUND, "TwoFactorTokenNotFound", N_("The two-factor login has expired. Log in again.") },
  { FM_ERROR_TWO_FACTOR_USER_NOT_FOUND, "TwoFactorUserNotFound", N_("No user was found for this two-factor login.") },
  { FM_ERROR_TWO_FACTOR_PIN_NOT_VALID, "TwoFactorPinNotValid", N_("The two-factor code is not valid.") },
  { FM_ERROR_PASSWORD_RESET_REQUIRED, "PasswordResetRequired", N_("You need to reset your password on the Filemail website before logging in.") },
  { FM_ERROR_SSO_USER_DISABLED, "SsoUserDisabled", N_("Your single sign-on user is disabled.") },
  { FM_ERROR_SSO_LOGIN_GENERAL_ERROR, "SsoLoginGeneralError", N_("Single sign-on failed.") },
  { FM_ERROR_SSO_MISSING_AUTH_CODE, "SsoMissingAuthCode", N_("Single sign-on did not return an authorization code.") },
  { FM_ERROR_REFRESH_TOKEN_EXPIRED, "RefreshTokenExpired", N_("Your login has expired. Log in again.") },
  { FM_ERROR_REFRESH_TOKEN_ALREADY_USED, "RefreshTokenAlreadyUsed", N_("Your login was already renewed elsewhere. Log in again.") },
  { FM_ERROR_BUSINESS_ACCOUNT_EXISTS_REGISTRATION_REQUIRED, "BusinessAccountExistsRegistrationRequired", N_("A business account exists for this address: register or log in to send.") },
  { FM_ERROR_USER_ACCOUNT_EXISTS_LOGIN_REQUIRED, "UserAccountExistsLoginRequired", N_("An account exists for this sender address: log in to send.") },
  { FM_ERROR_BLOCKED, "Blocked", N_("Sending from this account or address is blocked.") },
  { FM_ERROR_ALL_FILESERVERS_BUSY, "AllFileserversBusy", N_("All Filemail servers are busy. Try again in a few minutes.") },
  { FM_ERROR_FREE_LIMIT_REACHED, "FreeLimitReached", N_("You have reached the limit of the free service.") },
  { FM_ERROR_ACCOUNT_EXPIRED_AND_OUT_OF_TRANSFER_CREDITS, "AccountExpiredAndOutOfTransferCredits", N_("Your account has expired and has no transfer credits left.") },
  { FM_ERROR_EMAIL_NOT_VERIFIED, "EmailNotVerified", N_("Your e-mail address is not verified yet.") },
  { FM_ERROR_FEATURE_AVAILABLE_FOR_REGISTERED_USERS, "FeatureAvailableForRegisteredUsers", N_("This feature is only available to registered users.") },
  { FM_ERROR_FILE_SIZE_BLOCK_SENDER, "FileSizeBlockSender", N_("The files are too large for your account.") },
  { FM_ERROR_FILE_SIZE_BLOCK_RECIPIENT, "FileSizeBlockRecipient", N_("The files are too large for the recipient’s account.") },
  { FM_ERROR_TOO_MANY_RECIPIENTS, "TooManyRecipients", N_("There are too many recipients.") },
  { FM_ERROR_INVALID_TRANSFER_STATE, "InvalidTransferState", N_("The transfer is not in a state that allows this.") },
  { FM_ERROR_TRANSFER_EXPIRED, "TransferExpired", N_("The transfer has expired.") },
  { FM_ERROR_PASSWORD_REQUIRED, "PasswordRequired", N_("This transfer is protected by a password.") },
  { FM_ERROR_UPLOAD_NOT_COMPLETE, "UploadNotComplete", N_("The upload of this transfer is not complete yet.") },
  { FM_ERROR_FILE_IS_DELETED, "FileIsDeleted", N_("The file has been deleted.") },
  { FM_ERROR_UPLOAD_RECENTLY_UPDATED, "UploadRecentlyUpdated", N_("The transfer was just updated. Try again in a moment.") },
  { FM_ERROR_FILE_IS_INFECTED, "FileIsInfected", N_("The file was flagged as infected and cannot be downloaded.") },
  { FM_ERROR_SUBSCRIPTION_NOT_FOUND, "SubscriptionNotFound", N_("No subscription was found.") },
  { FM_ERROR_EMAIL_ALREADY_REGISTERED, "EmailAlreadyRegistered", N_("This e-mail address is already registered.") },
  { FM_ERROR_SIGNUP_FORM_NOT_ACCEPTED, "SignupFormNotAccepted", N_("The sign-up form was not accepted.") },
  { FM_ERROR_SESSION_PASSWORD_NOT_FOUND, "SessionPasswordNotFound", N_("The session password was not found.") },
  { FM_ERROR_SESSION_CUST_REF_NOT_FOUND, "SessionCustRefNotFound", N_("The session customer reference was not found.") },
  { FM_ERROR_ALL_USER_LICENCESES_IN_USE, "AllUserLicencesesInUse", N_("All user licences of your company are in use.") },
  { FM_ERROR_REGISTRATION_REQUIRED, "RegistrationRequired", N_("You need to register to do this.") },
  { FM_ERROR_PAYMENT_METHOD_NOT_ACCEPTED, "PaymentMethodNotAccepted", N_("The payment method was not accepted.") },
  { FM_ERROR_SUBSCRIPTION_CANCELLATION_FAILED, "SubscriptionCancellationFailed", N_("The subscription could not be cancelled.") },
  { FM_ERROR_INVALID_SUBSCRIPTION_STATE, "InvalidSubscriptionState", N_("The subscription is not in a state that allows this.") },
  { FM_ERROR_PAYMENT_FAILED, "PaymentFailed", N_("The payment failed.") },
  { FM_ERROR_RECEIPT_VERIFICATION_ERROR, "ReceiptVerificationError", N_("The receipt could not be verified.") },
  { FM_ERROR_RECEIPT_ALREADY_USED_FOR_ACTIVATION, "ReceiptAlreadyUsedForActivation", N_("The receipt was already used.") },
  { FM_ERROR_SUBSCRIPTION_NOT_PAID, "SubscriptionNotPaid", N_("The subscription is not paid.") },
  { FM_ERROR_SUBSCRIPTION_ALREADY_ACTIVATED, "SubscriptionAlreadyActivated", N_("The subscription is already activated.") },
  { FM_ERROR_SUBSCRIPTION_PURCHASE_ACK_FAILED, "SubscriptionPurchaseAckFailed", N_("The purchase could not be confirmed.") },
  { FM_ERROR_INVOICE_FAILURE, "InvoiceFailure", N_("The invoice could not be created.") },
  { FM_ERROR_CONTACTS_LIMIT_REACHED, "ContactsLimitReached", N_("You have reached the limit of contacts.") },
  { FM_ERROR_STORAGE_CAP_REACHED, "StorageCapReached", N_("Your storage is full.") },
  { FM_ERROR_CONTACTS_FILE_PARSE_ERROR, "ContactsFileParseError", N_("The contacts file could not be read.") },
  { FM_ERROR_RECOVERY_NOT_POSSIBLE, "RecoveryNotPossible", N_("The transfer cannot be recovered.") },
  { FM_ERROR_IMAGE_FILE_ERROR, "ImageFileError", N_("The image file could not be used.") },
  { FM_ERROR_CONTACT_DUPLICATE, "ContactDuplicate", N_("This contact already exists.") },
  { FM_ERROR_CHUNK_DOWNLOAD_ERROR, "ChunkDownloadError", N_("A part of the file could not be downloaded.") },
  { FM_ERROR_FILE_OPERATION_ERROR, "FileOperationError", N_("The file operation failed on the server.") },
  { FM_ERROR_PROTOCOL, "Protocol", N_("The server sent an answer this application does not understand.") },
  { FM_ERROR_HTTP_STATUS, "HttpStatus", N_("The server answered with an unexpected HTTP status.") },
  { FM_ERROR_INSECURE_URL, "InsecureUrl", N_("This server address is not allowed: use https (plain http only for this computer).") },
  { FM_ERROR_INVALID_URL, "InvalidUrl", N_("This server address is not valid.") },
  { FM_ERROR_NETWORK, "Network", N_("The server could not be reached. Check your network connection.") },
  { FM_ERROR_FILE_CHANGED, "FileChanged", N_("A file changed while it was being sent; send it again.") },
  { FM_ERROR_FILE_UNREADABLE, "FileUnreadable", N_("A file could not be read.") },
  { FM_ERROR_NOT_LOGGED_IN, "NotLoggedIn", N_("You are not logged in.") },
  { FM_ERROR_UPLOAD_FAILED, "UploadFailed", N_("The upload failed after several attempts.") },
  { FM_ERROR_CANCELLED, "Cancelled", N_("The operation was cancelled.") },
  { FM_ERROR_DOWNLOAD_FAILED, "DownloadFailed", N_("The download failed.") },
  { FM_ERROR_TLS, "Certificate", N_("The server’s security certificate is not valid, so the connection was refused.") },
  { FM_ERROR_TIMED_OUT, "TimedOut", N_("The server took too long to answer.") },
  { FM_ERROR_BUSY, "Busy", N_("Another Filemail program on this computer is working on this right now.") },
  { FM_ERROR_SERVER_UNAVAILABLE, "ServerUnavailable", N_("The server is not available right now; it may be busy or under maintenance.") },
  { FM_ERROR_NOT_FILEMAIL, "NotFilemail", N_("The answer did not come from Filemail: a Wi-Fi login page or a proxy may be in the way.") },
  { FM_ERROR_NO_ROOM, "NoRoom", N_("There is not enough room on the disk for the download.") },
  { FM_ERROR_NOT_A_LINK, "NotALink", N_("This is not a Filemail link.") },
  { FM_ERROR_TLS_HANDSHAKE, "TlsHandshake", N_("A secure connection to the server could not be set up: it offers no security protocol this computer accepts.") },
  { FM_ERROR_ZIP_NOT_UPDATED, "ZipNotUpdated", N_("The file was removed, but the transfer’s ZIP file could not be updated: it may still hold the file.") },
};

static const FmErrorEntry *
lookup (int code)
{
  for (gsize i = 0; i < G_N_ELEMENTS (error_table); i++)
    if (error_table[i].code == code)
      return &error_table[i];
  return NULL;
}

gboolean
fm_error_code_is_known (int code)
{
  return lookup (code) != NULL;
}

/* The server's errorname for @code, e.g. "InputParameterMissing". */
const char *
fm_error_get_name (int code)
{
  const FmErrorEntry *e = lookup (code);

  return e != NULL ? e->name : "UnknownError";
}

/* A translated sentence a person can act on. Unknown codes (a newer server)
 * fall back to the generic sentence rather than showing a bare number. */
const char *
fm_error_get_message (int code)
{
  const FmErrorEntry *e = lookup (code);

  return _(e != NULL ? e->message : error_table[0].message);
}

const int *
fm_error_get_codes (gsize *n_codes)
{
  static int codes[G_N_ELEMENTS (error_table)];

  if (codes[0] == 0)
    for (gsize i = 0; i < G_N_ELEMENTS (error_table); i++)
      codes[i] = error_table[i].code;
  *n_codes = G_N_ELEMENTS (error_table);
  return codes;
}

/* The GError message keeps what the server said, so a bug report or the
 * CLI's stderr carries the errorname and errormessage verbatim, after our
 * own sentence. */
GError *
fm_error_new_from_server (int         code,
                          const char *errorname,
                          const char *errormessage)
{
  const char *name = errorname != NULL && *errorname ? errorname : fm_error_get_name (code);
  /* The client's own codes (9001 and up) are never the server's: a server
   * answering 9005 must not pass for a network failure (and be retried),
   * nor 9012 for a refused certificate. Any code the reference does not
   * list is an unknown error that keeps its number in the message. */
  int domain_code = code < FM_ERROR_PROTOCOL ? code : FM_ERROR_UNKNOWN_ERROR;
  GError *error;

  if (errormessage == NULL || *errormessage == '\0')
    return g_error_new (FM_ERROR, domain_code, "%s (%s %d)", fm_error_get_message (domain_code), name, code);
  error = g_error_new (FM_ERROR, domain_code, "%s (%s %d: %s)", fm_error_get_message (domain_code), name, code,
                       errormessage);
  fm_error_get_private (error)->server_message = g_strdup (errormessage);
  return error;
}

/* An FM_ERROR told in plain words, with the technical @detail kept
 * beside it (fm_error_get_detail). */
GError *
fm_error_new_with_detail (int         code,
                          const char *detail,
                          const char *message)
{
  GError *error = g_error_new_literal (FM_ERROR, code, message);

  fm_error_get_private (error)->detail = g_strdup (detail);
  return error;
}

/* What went wrong in technical terms ("Could not connect to …: Connection
 * refused"), when the message says it in plain words; else NULL. */
const char *
fm_error_get_detail (const GError *error)
{
  FmErrorPrivate *priv = error != NULL && error->domain == FM_ERROR ? fm_error_get_private (error) : NULL;

  return priv != NULL ? priv->detail : NULL;
}

/* The server's errormessage of an error it answered, or NULL. */
const char *
fm_error_get_server_message (const GError *error)
{
  FmErrorPrivate *priv = error != NULL && error->domain == FM_ERROR ? fm_error_get_private (error) : NULL;

  return priv != NULL ? priv->server_message : NULL;
}

/* Codes whose sentence says all: the server's words only repeat it
 * ("The e-mail address or password is wrong." / "Wrong username or
 * password"). For the others (which parameter was wrong, an error this
 * client has no sentence for) they are the only detail there is. */
static gboolean
sentence_says_all (const GError *error)
{
  return error->domain == FM_ERROR && lookup (error->code) != NULL &&
         error->code != FM_ERROR_UNKNOWN_ERROR && error->code != FM_ERROR_INVALID_PARAMETER &&
         error->code != FM_ERROR_INPUT_PARAMETER_MISSING && error->code != FM_ERROR_PROTOCOL &&
         error->code != FM_ERROR_HTTP_STATUS;
}

/* For a window: the sentence, once; and on a line of its own what the
 * server said in its own words where they add something (shown, never
 * obeyed: control characters cleaned). */
char *
fm_error_describe (const GError *error)
{
  const char *server = fm_error_get_server_message (error);
  g_autofree char *clean = NULL;

  if (server == NULL || sentence_says_all (error))
    return g_strdup (fm_error_human_message (error));
  clean = fm_format_display_text (server);
  return g_strdup_printf (_("%s\nThe server said: “%s”"), fm_error_human_message (error), clean);
}

gboolean
fm_error_is_auth_expired (const GError *error)
{
  return error != NULL && error->domain == FM_ERROR &&
         (error->code == FM_ERROR_INVALID_OR_EXPIRED_LOGIN_TOKEN ||
          error->code == FM_ERROR_REFRESH_TOKEN_EXPIRED ||
          error->code == FM_ERROR_REFRESH_TOKEN_ALREADY_USED ||
          error->code == FM_ERROR_SSO_SESSION_EXPIRED);
}

/* For the UI: the table's sentence for FM_ERROR, the message otherwise. */
const char *
fm_error_human_message (const GError *error)
{
  if (error->domain == FM_ERROR && lookup (error->code) != NULL)
    return fm_error_get_message (error->code);
  return error->message;
}

/* A download's failure in a sentence of its own (FM_ERROR_DOWNLOAD_FAILED):
 * the job, its ranges and its .part all say theirs this way. */
GError *
fm_error_new_download (const char *format,
                       ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  return g_error_new_literal (FM_ERROR, FM_ERROR_DOWNLOAD_FAILED, text);
}
