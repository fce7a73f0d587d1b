#pragma once
// Users' own measurements in a plain CSV (docs/trace-format.md, "Generic CSV"). The header says
// which kind of rows the file holds:
//   whole networks: model,soc,device,engine,threads,cores,precision,input,
//                   min_ms,median_ms,mean_ms,max_ms,count
//                   (optional columns: soc_overrides, energy_mj, peak_memory_mib, source)
//   single layers:  name,op,input,output,kernel_h,kernel_w,stride_h,stride_w,pad_top,pad_left,
//                   pad_bottom,pad_right,dilation_h,dilation_w,group,dtype,
//                   min_ms,median_ms,mean_ms,max_ms,count
//                   (optional column: implementation)
// Columns may come in any order. Lines before the header of the form "# key: value" set the
// trace's attributes (device, soc, engine, engine_version, precision, threads, cores,
// clock_before_hz, clock_after_hz, recorded_at). Anything malformed throws ConfigError naming
// file:line and the column.
#include <string>

#include "traces/trace.hpp"

namespace tilesim {

Trace import_generic_csv(const std::string& path);

}  // namespace tilesim
