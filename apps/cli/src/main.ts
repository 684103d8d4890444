console.log('tsvisor');
