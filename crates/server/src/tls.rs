//! TLS for `server serve --tls-cert … --tls-key …` (rustls, ring provider): the office LAN
//! carries passwords and personal data, so the server can speak HTTPS itself. See
//! docs/DEPLOY.md for making a certificate.

use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("无法读取证书文件 {path}：{reason}")]
    Cert { path: String, reason: String },
    #[error("无法读取私钥文件 {path}：{reason}")]
    Key { path: String, reason: String },
    #[error("证书文件 {0} 中没有证书")]
    NoCert(String),
    #[error("证书与私钥不匹配或不受支持：{0}")]
    Config(String),
}

/// A server configuration from a PEM certificate chain and a PEM private key.
pub fn load(cert: &Path, key: &Path) -> Result<Arc<rustls::ServerConfig>, TlsError> {
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .map_err(|e| TlsError::Cert { path: cert.display().to_string(), reason: e.to_string() })?
        .collect::<Result<_, _>>()
        .map_err(|e| TlsError::Cert { path: cert.display().to_string(), reason: e.to_string() })?;
    if chain.is_empty() {
        return Err(TlsError::NoCert(cert.display().to_string()));
    }
    let key = PrivateKeyDer::from_pem_file(key)
        .map_err(|e| TlsError::Key { path: key.display().to_string(), reason: e.to_string() })?;
    from_pem_parts(chain, key)
}

/// A server configuration from a parsed chain and key (TLS 1.2 and 1.3, HTTP/1.1 and h2).
pub fn from_pem_parts(
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
) -> Result<Arc<rustls::ServerConfig>, TlsError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsError::Config(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| TlsError::Config(e.to_string()))?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}
