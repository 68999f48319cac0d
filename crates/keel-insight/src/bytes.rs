//! Dense vectors as bytes, for a database BLOB.
//!
//! Little-endian `f32`s back to back, no header: 384 dimensions are 1,536
//! bytes. The byte order is fixed so a database written on one machine reads
//! the same on another; the dimension is implied by the length, and which
//! model made the vector is the caller's to record beside it.

use crate::InsightError;

/// `vector` as little-endian `f32` bytes.
pub fn to_bytes(vector: &[f32]) -> Vec<u8> {
    vector.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// The vector that [`to_bytes`] wrote. Fails when the length is not a
/// multiple of 4 (a truncated or foreign BLOB).
pub fn from_bytes(bytes: &[u8]) -> Result<Vec<f32>, InsightError> {
    if !bytes.len().is_multiple_of(4) {
        return Err(InsightError::VectorBytes { len: bytes.len() });
    }
    Ok(bytes
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_bit_for_bit() {
        let v = vec![
            0.0,
            -0.0,
            1.5,
            -3.25e-8,
            f32::MAX,
            f32::MIN_POSITIVE,
            f32::INFINITY,
        ];
        let bytes = to_bytes(&v);
        assert_eq!(bytes.len(), 4 * v.len());
        let back = from_bytes(&bytes).unwrap();
        let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&back), bits(&v));
    }

    #[test]
    fn is_little_endian() {
        assert_eq!(to_bytes(&[1.0]), vec![0x00, 0x00, 0x80, 0x3f]);
        assert_eq!(from_bytes(&[0x00, 0x00, 0x80, 0x3f]).unwrap(), vec![1.0]);
    }

    #[test]
    fn empty_is_empty() {
        assert!(to_bytes(&[]).is_empty());
        assert!(from_bytes(&[]).unwrap().is_empty());
    }

    #[test]
    fn rejects_a_ragged_length() {
        let err = from_bytes(&[0, 0, 128, 63, 1]).unwrap_err();
        assert!(matches!(err, InsightError::VectorBytes { len: 5 }), "{err}");
    }
}
