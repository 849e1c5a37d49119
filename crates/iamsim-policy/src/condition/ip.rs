//! IP address ranges for `IpAddress` / `NotIpAddress` (3.13).

use crate::truth::Truth;
use std::net::IpAddr;

/// A CIDR block, host bits cleared. A bare address is `/32` or `/128`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IpNet {
    /// An IPv4 block.
    V4 {
        /// The network address, host bits cleared.
        network: u32,
        /// The prefix length, 0 to 32.
        prefix: u8,
    },
    /// An IPv6 block.
    V6 {
        /// The network address, host bits cleared.
        network: u128,
        /// The prefix length, 0 to 128.
        prefix: u8,
    },
}

fn mask32(prefix: u8) -> u32 {
    u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0)
}

fn mask128(prefix: u8) -> u128 {
    u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0)
}

/// Reads `address` or `address/prefix`, IPv4 or IPv6.
pub fn parse_ip_net(text: &str) -> Option<IpNet> {
    let (address, prefix) = match text.split_once('/') {
        Some((address, prefix)) => {
            // Digits only: `u8::from_str` would also take `+24`.
            if prefix.is_empty() || prefix.len() > 3 || !prefix.bytes().all(|b| b.is_ascii_digit())
            {
                return None;
            }
            (address, Some(prefix.parse::<u8>().ok()?))
        }
        None => (text, None),
    };
    match address.parse::<IpAddr>().ok()? {
        IpAddr::V4(a) => {
            let prefix = prefix.unwrap_or(32);
            (prefix <= 32).then(|| IpNet::V4 {
                network: u32::from(a) & mask32(prefix),
                prefix,
            })
        }
        IpAddr::V6(a) => {
            let prefix = prefix.unwrap_or(128);
            (prefix <= 128).then(|| IpNet::V6 {
                network: u128::from(a) & mask128(prefix),
                prefix,
            })
        }
    }
}

impl IpNet {
    fn contains(&self, address: IpAddr) -> bool {
        match (*self, address) {
            (IpNet::V4 { network, prefix }, IpAddr::V4(a)) => {
                u32::from(a) & mask32(prefix) == network
            }
            (IpNet::V6 { network, prefix }, IpAddr::V6(a)) => {
                u128::from(a) & mask128(prefix) == network
            }
            _ => false,
        }
    }

    /// Whether the request address is in the block. IPv4 and IPv6 never match each other, except
    /// that an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) may or may not be read as its IPv4
    /// address (docs silent): then the two readings give `Unknown` when they differ.
    pub(crate) fn matches(&self, address: IpAddr) -> Truth {
        let direct = self.contains(address);
        let mapped = match address {
            IpAddr::V6(a) => a.to_ipv4_mapped().map(IpAddr::V4),
            IpAddr::V4(a) => Some(IpAddr::V6(a.to_ipv6_mapped())),
        };
        let other = mapped.map_or(direct, |m| self.contains(m) || direct);
        Truth::from_readings(direct, other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_and_bare_addresses() {
        let net = parse_ip_net("203.0.113.0/24").unwrap();
        assert_eq!(net.matches("203.0.113.7".parse().unwrap()), Truth::True);
        assert_eq!(net.matches("203.0.114.7".parse().unwrap()), Truth::False);
        let host = parse_ip_net("10.0.0.1").unwrap();
        assert_eq!(
            host,
            IpNet::V4 {
                network: 0x0a00_0001,
                prefix: 32
            }
        );
        // Host bits are cleared, as a network is meant.
        assert_eq!(
            parse_ip_net("10.1.2.3/8").unwrap(),
            IpNet::V4 {
                network: 0x0a00_0000,
                prefix: 8
            }
        );
        assert_eq!(
            parse_ip_net("0.0.0.0/0")
                .unwrap()
                .matches("8.8.8.8".parse().unwrap()),
            Truth::True
        );
        let v6 = parse_ip_net("2001:db8::/32").unwrap();
        assert_eq!(v6.matches("2001:db8::1".parse().unwrap()), Truth::True);
        assert_eq!(v6.matches("203.0.113.7".parse().unwrap()), Truth::False);
        let v6host = parse_ip_net("2001:db8::1").unwrap();
        assert_eq!(v6host.matches("2001:db8::2".parse().unwrap()), Truth::False);
        // IPv4-mapped IPv6: one reading matches, one does not.
        assert_eq!(
            net.matches("::ffff:203.0.113.7".parse().unwrap()),
            Truth::Unknown
        );
    }

    #[test]
    fn invalid_blocks() {
        for bad in [
            "",
            "10.0.0.256",
            "10.0.0.0/33",
            "2001:db8::/129",
            "10.0.0.0/",
            "10.0.0.0/+8",
            "10.0.0",
            "010.0.0.1",
            "example.com",
            "10.0.0.0/8/8",
            " 10.0.0.1",
        ] {
            assert!(parse_ip_net(bad).is_none(), "{bad:?}");
        }
    }
}
