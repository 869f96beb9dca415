Tag: hdf5-external-data
Severity: warning
Check: models/inspection
Explanation: An object of this HDF5 file lives in another file: an external
 link, a dataset stored in external raw files, or a virtual dataset mapped
 from other HDF5 files. The context gives the object and the file it refers
 to.
 .
 dl-lint does not follow such references. Loading the model reads that file
 from the user's system, which may be missing or outside the package. Store
 the data in the HDF5 file itself.
See-Also: https://support.hdfgroup.org/documentation/hdf5/latest/_h5_l__u_g.html
